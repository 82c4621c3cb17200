package org.skein.muc;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.skein.storage.Database;
import org.skein.testing.TestDatabase;

/** The store of persistent rooms on PostgreSQL, the database of a real cluster (a schema of its own; skipped when not reachable). */
class PostgresRoomStoreTest extends AbstractRoomStoreTest {

    @TempDir
    Path data;

    private TestDatabase database;

    @BeforeEach
    void start() {
        try {
            database = TestDatabase.postgres(data);
        } catch (SQLException e) {
            assumeTrue(false, "PostgreSQL is not reachable at " + TestDatabase.POSTGRES_URL + ": " + e.getMessage());
        }
    }

    @AfterEach
    void stop() {
        if (database != null) {
            database.close();
        }
    }

    @Override
    Database database() {
        return database.database();
    }
}
