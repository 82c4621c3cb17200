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
 * skein; another with {@code SKEIN_TEST_POSTGRES_URL}). {@link #close()} closes the pool and drops the schema.
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
     * @throws SQLException if the server is not reachable (callers skip their test then)
     */
    public static TestDatabase postgres(Path data) throws SQLException {
        String schema = "t_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = DriverManager.getConnection(POSTGRES_URL, "skein", "skein"); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
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
