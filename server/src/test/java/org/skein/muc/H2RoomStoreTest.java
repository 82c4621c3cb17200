package org.skein.muc;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.skein.storage.Database;
import org.skein.testing.TestDatabase;

/** The store of persistent rooms on H2, the default database. */
class H2RoomStoreTest extends AbstractRoomStoreTest {

    @TempDir
    Path data;

    private TestDatabase database;

    @BeforeEach
    void start() {
        database = TestDatabase.h2(data);
    }

    @AfterEach
    void stop() {
        database.close();
    }

    @Override
    Database database() {
        return database.database();
    }
}
