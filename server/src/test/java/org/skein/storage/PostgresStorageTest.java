package org.skein.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.core.BaseConnection;
import org.skein.config.ServerConfig;
import org.skein.testing.TestDatabase;

/**
 * The stores on PostgreSQL, the database of a real cluster. Needs the server that
 * {@code .ci/postgres-setup.sh} starts (127.0.0.1:5432, database skein_test, user skein; the README's
 * test command {@code ./skein-test.sh} installs and starts it); another server can be named with
 * {@code SKEIN_TEST_POSTGRES_URL}. Without it the tests fail and say how to get it: they are never
 * skipped. Each test gets a schema of its own.
 */
class PostgresStorageTest extends AbstractStorageTest implements ImStoresContract {

    @TempDir
    Path data;

    private TestDatabase database;

    @BeforeEach
    void start() {
        database = TestDatabase.postgres(data);
    }

    @AfterEach
    void stop() {
        if (database != null) {
            database.close();
        }
    }

    @Override
    public Database database() {
        return database.database();
    }

    private static boolean rewritesBatches(Database db) throws Exception {
        try (Connection c = db.connection()) {
            return c.unwrap(BaseConnection.class).getQueryExecutor().isReWriteBatchedInsertsEnabled();
        }
    }

    @Test
    void batchedInsertsGoAsMultiRowInsertsUnlessTheUrlSaysOtherwise() throws Exception {
        assertThat(rewritesBatches(database())).isTrue();
        String url = database().url().replace("?", "?reWriteBatchedInserts=false&");
        Database other = new Database(ServerConfig.inMemory(Map.of("db.url", url, "db.user", "skein", "db.password", "skein")),
                data, "pg-no-rewrite");
        try {
            other.start();
            assertThat(rewritesBatches(other)).isFalse();
        } finally {
            other.close();
        }
    }
}
