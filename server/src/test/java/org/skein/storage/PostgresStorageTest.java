package org.skein.storage;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.skein.testing.TestDatabase;

/**
 * The stores on PostgreSQL, the database of a real cluster. Needs the server that
 * {@code .ci/postgres-setup.sh} starts (127.0.0.1:5432, database skein_test, user skein); another
 * server can be named with {@code SKEIN_TEST_POSTGRES_URL}. Each test gets a schema of its own.
 */
class PostgresStorageTest extends AbstractStorageTest implements ImStoresContract {

    @TempDir
    Path data;

    private TestDatabase database;

    @BeforeEach
    void start() {
        try {
            database = TestDatabase.postgres(data);
        } catch (SQLException e) {
            assumeTrue(false, "PostgreSQL is not reachable at " + TestDatabase.POSTGRES_URL + " (run .ci/postgres-setup.sh): " + e.getMessage());
        }
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
}
