package org.skein.muc;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.skein.config.ServerConfig;
import org.skein.storage.Database;

/**
 * The store of persistent rooms on PostgreSQL, the database of a real cluster (127.0.0.1:5432,
 * database skein_test, user skein, or {@code SKEIN_TEST_POSTGRES_URL}); each test gets a schema of its own.
 */
class PostgresRoomStoreTest extends AbstractRoomStoreTest {

    static final String URL = System.getenv().getOrDefault("SKEIN_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/skein_test");

    @TempDir
    Path data;

    private String schema;
    private Database database;

    @BeforeEach
    void start() throws SQLException {
        schema = "t_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = DriverManager.getConnection(URL, "skein", "skein"); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            assumeTrue(false, "PostgreSQL is not reachable at " + URL + " (run .ci/postgres-setup.sh): " + e.getMessage());
        }
        database = new Database(ServerConfig.inMemory(Map.of(
                "db.url", URL + "?currentSchema=" + schema, "db.user", "skein", "db.password", "skein")), data, "pg-muc-test");
        database.start();
    }

    @AfterEach
    void stop() throws SQLException {
        if (database != null) {
            database.close();
        }
        if (schema != null) {
            try (Connection c = DriverManager.getConnection(URL, "skein", "skein"); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            } catch (SQLException e) {
                // not reachable: nothing was created
            }
        }
    }

    @Override
    Database database() {
        return database;
    }
}
