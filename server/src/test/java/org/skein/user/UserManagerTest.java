package org.skein.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.skein.XmppServer;
import org.skein.auth.ScramAlgorithm;
import org.skein.testing.TestNodes;

class UserManagerTest {

    @TempDir
    Path dir;

    private TestNodes nodes;
    private XmppServer node;
    private UserManager users;

    @BeforeEach
    void start() {
        nodes = new TestNodes(dir);
        node = nodes.start("node", Map.of());
        users = node.userManager();
    }

    @AfterEach
    void stop() throws Exception {
        nodes.close();
    }

    @Test
    void usernamesAreNormalisedLikeJidNodes() throws Exception {
        users.createUser("Alice", "secret", "Alice", "");
        assertThat(users.exists("alice")).isTrue();
        assertThat(users.exists("ALICE")).isTrue();
        assertThatThrownBy(() -> users.createUser("alice", "other", "", "")).isInstanceOf(UserAlreadyExistsException.class);
        assertThatThrownBy(() -> UserManager.normalize("a@b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> UserManager.normalize(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void passwordsAreCheckedAgainstScramKeysNeverStoredInClear() throws Exception {
        users.createUser("alice", "correct horse", "", "");
        assertThat(users.checkPassword("alice", "correct horse")).isTrue();
        assertThat(users.checkPassword("alice", "wrong")).isFalse();
        assertThat(users.checkPassword("nobody", "correct horse")).isFalse();
        assertThat(users.checkPassword("bad@name", "x")).isFalse();
        assertThat(users.credentials("alice", ScramAlgorithm.SHA_1)).isPresent();
        assertThat(users.credentials("alice", ScramAlgorithm.SHA_256).orElseThrow().iterations()).isEqualTo(4096);

        users.setPassword("alice", "battery staple");
        assertThat(users.checkPassword("alice", "battery staple")).isTrue();
        assertThat(users.checkPassword("alice", "correct horse")).isFalse();
    }

    @Test
    void readsGoThroughTheUsersCache() throws Exception {
        users.createUser("alice", "secret", "", "");
        assertThat(node.cacheFactory().<String, User>getCache(UserManager.CACHE_NAME).orElseThrow().get("alice")).isNotNull();
        users.deleteUser("alice");
        assertThat(node.cacheFactory().<String, User>getCache(UserManager.CACHE_NAME).orElseThrow().get("alice")).isNull();
        assertThat(users.getUser("alice")).isEmpty();
        assertThatThrownBy(() -> users.deleteUser("alice")).isInstanceOf(UserNotFoundException.class);
    }
}
