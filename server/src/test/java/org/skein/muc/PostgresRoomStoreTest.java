package org.skein.muc;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.skein.storage.Database;
import org.skein.testing.TestDatabase;

/** The store of persistent rooms on PostgreSQL, the database of a real cluster (a schema of its own; fails when it is not reachable). */
class PostgresRoomStoreTest extends AbstractRoomStoreTest {

    @TempDir
    Path data;

    private TestDatabase database;

    @BeforeEach
    void start() throws Exception {
        database = TestDatabase.postgres(data);
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
