package org.skein.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.skein.config.ConfigException;
import org.skein.config.ServerConfig;

/** The stores on the default database: embedded H2 in the node's data folder. */
class H2StorageTest extends AbstractStorageTest implements ImStoresContract {

    @TempDir
    Path data;

    private Database database;

    @BeforeEach
    void start() {
        database = new Database(ServerConfig.inMemory(Map.of()), data, "h2-test");
        database.start();
    }

    @AfterEach
    void stop() {
        database.close();
    }

    @Override
    public Database database() {
        return database;
    }

    @Test
    void theEmbeddedDatabaseLivesInTheDataFolderAndSurvivesARestart() throws Exception {
        assertThat(database.isEmbedded()).isTrue();
        new JdbcUserStore(database, CLOCK).create("alice", java.util.List.of(), "", "");
        database.close();
        assertThat(Files.list(data.resolve("db"))).anyMatch(p -> p.getFileName().toString().startsWith("skein"));

        database = new Database(ServerConfig.inMemory(Map.of()), data, "h2-test");
        database.start();
        assertThat(new JdbcUserStore(database, CLOCK).find("alice")).isPresent();
    }

    @Test
    void anUnreachableDatabaseNamesTheUrlAndTheKeys() {
        Database broken = new Database(ServerConfig.inMemory(Map.of(
                "db.url", "jdbc:postgresql://127.0.0.1:1/nowhere", "db.user", "x", "db.password", "secret",
                "db.pool.connectionTimeout", "500ms")), data, "broken");
        assertThatThrownBy(broken::start)
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("jdbc:postgresql://127.0.0.1:1/nowhere")
                .hasMessageContaining("db.url")
                .hasMessageNotContaining("secret");
    }
}
