package org.skein;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserCommandTest {

    @TempDir
    Path home;

    private String run(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = new UserCommand(home, new PrintStream(out, true, StandardCharsets.UTF_8),
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8))).run(List.of(args));
        return code + ": " + out.toString(StandardCharsets.UTF_8).trim();
    }

    @org.junit.jupiter.api.BeforeEach
    void configureTheNode() throws java.io.IOException {
        java.nio.file.Files.createDirectories(home.resolve("conf"));
        java.nio.file.Files.writeString(home.resolve("conf").resolve("skein.properties"),
                "admin.enabled=false\nxmpp.c2s.port=0\nxmpp.c2s.bindAddress=127.0.0.1\n");
    }

    @Test
    void createsListsChangesAndDeletesUsersWithoutAClient() {
        assertThat(run("", "add", "Alice", "secret")).isEqualTo("0: Created user alice");
        assertThat(run("from-stdin\n", "add", "bob", "-")).isEqualTo("0: Created user bob");
        assertThat(run("", "add", "alice", "again")).isEqualTo("1: Error: user 'alice' exists already");
        assertThat(run("", "list")).isEqualTo("0: alice\nbob");
        assertThat(run("", "passwd", "bob", "new")).isEqualTo("0: Changed the password of bob");
        assertThat(run("", "delete", "bob")).isEqualTo("0: Deleted user bob");
        assertThat(run("", "delete", "bob")).isEqualTo("1: Error: user 'bob' does not exist");
        assertThat(run("", "frobnicate")).startsWith("2: Usage:");

        XmppServer node = new XmppServer(home);
        node.start();
        try {
            assertThat(node.userManager().checkPassword("alice", "secret")).isTrue();
        } finally {
            node.stop();
        }
    }
}
