package org.skein.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.skein.XmppServer;
import org.skein.mam.ArchiveFilter;
import org.skein.mam.ArchiveStore;
import org.skein.mam.ArchivedMessage;
import org.skein.testing.TestNodes;

/**
 * The archives page over real HTTP: the largest archives with their sizes, one account's size, a purge
 * of one account's archive (refused without the CSRF token), in English and German.
 */
class ArchivesPageTest {

    @TempDir
    Path dir;

    private static void archive(ArchiveStore store, String owner, int count) {
        List<ArchivedMessage> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = String.format("%011d", i) + "aaaaaaaa";
            rows.add(new ArchivedMessage(owner, id, Instant.parse("2026-12-01T10:00:00Z"), "carol@localhost", "phone", false,
                    "<message to=\"" + owner + "@localhost\"><body>m" + i + "</body></message>"));
        }
        store.append(rows);
    }

    @Test
    void theConsoleShowsArchiveSizesAndPurgesOneAccountsArchiveWithTheToken() throws Exception {
        try (TestNodes nodes = new TestNodes(dir)) {
            XmppServer node = nodes.start("node", Map.of("admin.enabled", "true", "admin.port", "0",
                    "admin.initialPassword", "correct horse", "mam.retention", "365d"));
            for (String user : List.of("alice", "bob", "carol")) {
                node.userManager().createUser(user, "secret", "", "");
            }
            ArchiveStore store = node.messageArchive().store();
            archive(store, "alice", 3);
            archive(store, "bob", 5);

            ConsoleClient console = new ConsoleClient(node.adminConsole().port());
            assertThat(console.login("admin", "correct horse").statusCode()).isEqualTo(302);
            String list = console.get("/archives").body();
            assertThat(list).contains("kept for: 365d").contains("data-account=\"alice\"").contains("data-account=\"bob\"")
                    .doesNotContain("data-account=\"carol\"");
            assertThat(list.indexOf("data-account=\"bob\"")).isLessThan(list.indexOf("data-account=\"alice\"")); // largest first
            assertThat(console.get("/archives?account=alice").body()).contains("Archive of alice: 3 messages.");

            HttpResponse<String> forged = console.postRaw("/archives/purge", "account=alice");
            assertThat(forged.statusCode()).isEqualTo(403);
            assertThat(store.count(ArchiveFilter.all("alice"))).isEqualTo(3);

            HttpResponse<String> purged = console.post("/archives/purge", Map.of("account", "alice"));
            assertThat(purged.statusCode()).isEqualTo(302);
            assertThat(store.count(ArchiveFilter.all("alice"))).isZero();
            assertThat(store.count(ArchiveFilter.all("bob"))).isEqualTo(5);
            String after = console.get("/archives").body();
            assertThat(after).contains("The archive of alice was purged: 3 messages removed.").doesNotContain("data-account=\"alice\"");

            assertThat(console.get("/archives", "de-DE,de;q=0.9").body()).contains("Nachrichtenarchive").contains("Größte Archive");
        }
    }
}
