package org.skein.storage;

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

/**
 * The stores on PostgreSQL, the database of a real cluster. Needs the server that
 * {@code .ci/postgres-setup.sh} starts (127.0.0.1:5432, database skein_test, user skein; the README's
 * test command {@code ./skein-test.sh} installs and starts it); another server can be named with
 * {@code SKEIN_TEST_POSTGRES_URL}. Without it the tests fail and say how to get it: they are never
 * skipped. Each test gets a schema of its own.
 */
class PostgresStorageTest extends AbstractStorageTest {

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
            throw new IllegalStateException("The PostgreSQL tests need a PostgreSQL server at " + URL
                    + " with database skein_test owned by user skein (password skein): run ./skein-test.sh, which installs"
                    + " and starts it on Debian, or sudo bash .ci/postgres-setup.sh, or name another server in"
                    + " SKEIN_TEST_POSTGRES_URL. It said: " + e.getMessage(), e);
        }
        database = new Database(ServerConfig.inMemory(Map.of(
                "db.url", URL + "?currentSchema=" + schema, "db.user", "skein", "db.password", "skein")), data, "pg-test");
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
