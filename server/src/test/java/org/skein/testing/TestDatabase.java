package org.skein.testing;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import org.skein.config.ServerConfig;
import org.skein.storage.Database;

/**
 * A started, migrated database for store tests: embedded H2 in a folder, or a schema of its own on the
 * PostgreSQL server that {@code .ci/postgres-setup.sh} starts (127.0.0.1:5432, database skein_test, user
 * skein; the README's test command {@code ./skein-test.sh} sets it up; another with
 * {@code SKEIN_TEST_POSTGRES_URL}). {@link #close()} closes the pool and drops the schema.
 */
public final class TestDatabase implements AutoCloseable {

    public static final String POSTGRES_URL = System.getenv().getOrDefault("SKEIN_TEST_POSTGRES_URL",
            "jdbc:postgresql://127.0.0.1:5432/skein_test");

    private final Database database;
    private final String schema;

    private TestDatabase(Database database, String schema) {
        this.database = database;
        this.schema = schema;
    }

    public static TestDatabase h2(Path data) {
        Database database = new Database(ServerConfig.inMemory(Map.of()), data, "h2-test");
        database.start();
        return new TestDatabase(database, null);
    }

    /**
     * A schema of its own on PostgreSQL.
     *
     * @throws IllegalStateException if the server is not reachable, saying how to get it: a PostgreSQL
     *     test fails then, it is never skipped
     */
    public static TestDatabase postgres(Path data) {
        String schema = "t_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = DriverManager.getConnection(POSTGRES_URL, "skein", "skein"); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException("The PostgreSQL tests need a PostgreSQL server at " + POSTGRES_URL
                    + " with database skein_test owned by user skein (password skein): run ./skein-test.sh, which installs"
                    + " and starts it on Debian, or sudo bash .ci/postgres-setup.sh, or name another server in"
                    + " SKEIN_TEST_POSTGRES_URL. It said: " + e.getMessage(), e);
        }
        Database database = new Database(ServerConfig.inMemory(Map.of(
                "db.url", POSTGRES_URL + "?currentSchema=" + schema, "db.user", "skein", "db.password", "skein")), data, "pg-test");
        database.start();
        return new TestDatabase(database, schema);
    }

    public Database database() {
        return database;
    }

    @Override
    public void close() {
        database.close();
        if (schema != null) {
            try (Connection c = DriverManager.getConnection(POSTGRES_URL, "skein", "skein"); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            } catch (SQLException e) {
                // not reachable any more: nothing to drop
            }
        }
    }
}
