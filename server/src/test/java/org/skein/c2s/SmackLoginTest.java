package org.skein.c2s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.jivesoftware.smack.sasl.SASLErrorException;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.skein.XmppServer;
import org.skein.testing.TestNodes;

class SmackLoginTest {

    @TempDir
    static Path dir;
    static TestNodes nodes;
    static XmppServer node;
    SmackClients clients;

    @BeforeAll
    static void startNode() {
        nodes = new TestNodes(dir);
        node = nodes.start("node", Map.of("xmpp.sasl.failureDelay", "20ms"));
    }

    @AfterAll
    static void stopNode() throws Exception {
        nodes.close();
    }

    @AfterEach
    void disconnect() {
        if (clients != null) {
            clients.close();
        }
    }

    private String newUser(String password) throws Exception {
        String name = "u" + UUID.randomUUID().toString().substring(0, 8);
        node.userManager().createUser(name, password, "", "");
        return name;
    }

    @ParameterizedTest
    @ValueSource(strings = {"SCRAM-SHA-1", "SCRAM-SHA-256", "PLAIN"})
    void logsInOverTlsWithEachMechanism(String mechanism) throws Exception {
        clients = new SmackClients(node);
        String user = newUser("secret");
        XMPPTCPConnection connection = clients.login(user, "secret", "desk", mechanism);

        assertThat(connection.isAuthenticated()).isTrue();
        assertThat(connection.isSecureConnection()).isTrue();
        assertThat(connection.getUser().toString()).isEqualTo(user + "@localhost/desk");
        assertThat(node.sessionManager().getUserSessionsCount(true)).isPositive();
    }

    @ParameterizedTest
    @ValueSource(strings = {"SCRAM-SHA-1", "SCRAM-SHA-256", "PLAIN"})
    void aWrongPasswordIsNotAuthorized(String mechanism) throws Exception {
        clients = new SmackClients(node);
        String user = newUser("secret");
        assertThatThrownBy(() -> clients.login(user, "wrong", "desk", mechanism))
                .isInstanceOf(SASLErrorException.class)
                .hasMessageContaining("not-authorized");
    }

    @Test
    void anUnknownUserIsNotAuthorized() throws Exception {
        clients = new SmackClients(node);
        assertThatThrownBy(() -> clients.login("nobody-" + UUID.randomUUID().toString().substring(0, 6), "x", "desk"))
                .isInstanceOf(SASLErrorException.class)
                .hasMessageContaining("not-authorized");
    }
}
