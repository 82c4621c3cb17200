package org.skein.muc;

import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.skein.config.ServerConfig;
import org.skein.storage.Database;

/** The store of persistent rooms on H2, the default database. */
class H2RoomStoreTest extends AbstractRoomStoreTest {

    @TempDir
    Path data;

    private Database database;

    @BeforeEach
    void start() {
        database = new Database(ServerConfig.inMemory(Map.of("db.url", "jdbc:h2:mem:muc-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1")),
                data, "h2-muc-test");
        database.start();
    }

    @AfterEach
    void stop() {
        database.close();
    }

    @Override
    Database database() {
        return database;
    }
}
