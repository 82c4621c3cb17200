package org.skein.pubsub;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.skein.storage.Database;
import org.skein.testing.TestDatabase;

/** The pubsub store on PostgreSQL (a schema of its own; fails, saying how to get the server, when it is not reachable). */
class PostgresPubSubStoreTest extends AbstractPubSubStoreTest {

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
    Database database() {
        return database.database();
    }
}
