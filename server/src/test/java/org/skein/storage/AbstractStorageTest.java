package org.skein.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.skein.auth.ScramAlgorithm;
import org.skein.auth.ScramCredentials;
import org.skein.offline.OfflineMessage;
import org.skein.roster.RosterItem;
import org.skein.roster.Subscription;
import org.skein.user.User;
import org.skein.user.UserAlreadyExistsException;
import org.skein.user.UserNotFoundException;

/** What the JDBC stores do, run against each database Skein supports. */
abstract class AbstractStorageTest {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);

    /** A started database with an empty schema. */
    abstract Database database();

    private JdbcUserStore users() {
        return new JdbcUserStore(database(), CLOCK);
    }

    private static List<ScramCredentials> credentials(String password) {
        return List.of(ScramCredentials.derive(ScramAlgorithm.SHA_1, password, 4096),
                ScramCredentials.derive(ScramAlgorithm.SHA_256, password, 4096));
    }

    @Test
    void accountsAreCreatedFoundListedAndDeleted() throws Exception {
        JdbcUserStore store = users();
        User alice = store.create("alice", credentials("secret"), "Alice", "alice@example.com");
        store.create("bob", credentials("hunter2"), "", "");

        assertThat(alice.created()).isEqualTo(CLOCK.instant());
        assertThat(store.find("alice")).contains(alice);
        assertThat(store.find("carol")).isEmpty();
        assertThat(store.usernames(0, 10)).containsExactly("alice", "bob");
        assertThat(store.usernames(1, 10)).containsExactly("bob");
        assertThat(store.count()).isEqualTo(2);
        assertThatThrownBy(() -> store.create("alice", credentials("x"), "", ""))
                .isInstanceOf(UserAlreadyExistsException.class);

        store.delete("bob");
        assertThat(store.find("bob")).isEmpty();
        assertThatThrownBy(() -> store.delete("bob")).isInstanceOf(UserNotFoundException.class);
    }

    @Test
    void credentialsAreKeptPerHashFunctionAndReplacedOnPasswordChange() throws Exception {
        JdbcUserStore store = users();
        store.create("alice", credentials("secret"), "", "");

        ScramCredentials sha256 = store.credentials("alice", ScramAlgorithm.SHA_256).orElseThrow();
        assertThat(sha256.matches("secret")).isTrue();
        assertThat(sha256.matches("wrong")).isFalse();
        assertThat(store.credentials("alice", ScramAlgorithm.SHA_1).orElseThrow().matches("secret")).isTrue();

        store.setCredentials("alice", credentials("changed"));
        assertThat(store.credentials("alice", ScramAlgorithm.SHA_256).orElseThrow().matches("changed")).isTrue();
        assertThat(store.credentials("alice", ScramAlgorithm.SHA_256).orElseThrow().matches("secret")).isFalse();
        assertThatThrownBy(() -> store.setCredentials("nobody", credentials("x"))).isInstanceOf(UserNotFoundException.class);
        assertThat(store.credentials("nobody", ScramAlgorithm.SHA_1)).isEmpty();
    }

    @Test
    void rosterItemsAreStoredUpdatedAndRemoved() throws Exception {
        users().create("alice", credentials("secret"), "", "");
        JdbcRosterStore store = new JdbcRosterStore(database());
        RosterItem bob = new RosterItem("bob@example.com", "Bob", Set.of("Friends", "Work"), Subscription.NONE, true, false);
        store.put("alice", bob);
        store.put("alice", new RosterItem("carol@example.com", "", Set.of(), Subscription.BOTH, false, false));

        assertThat(store.items("alice")).containsExactly(bob,
                new RosterItem("carol@example.com", "", Set.of(), Subscription.BOTH, false, false));

        RosterItem updated = bob.withSubscription(Subscription.TO, false, true).withNameAndGroups("Bobby", Set.of("Family"));
        store.put("alice", updated);
        assertThat(store.find("alice", "bob@example.com")).contains(updated);

        assertThat(store.remove("alice", "bob@example.com")).isTrue();
        assertThat(store.remove("alice", "bob@example.com")).isFalse();
        assertThat(store.items("alice")).extracting(RosterItem::jid).containsExactly("carol@example.com");
        assertThat(store.items("nobody")).isEmpty();
    }

    @Test
    void offlineMessagesAreTakenOnceInOrderAndBounded() throws Exception {
        users().create("bob", credentials("secret"), "", "");
        JdbcOfflineMessageStore store = new JdbcOfflineMessageStore(database(), 3);
        for (int i = 1; i <= 3; i++) {
            assertThat(store.store("bob", CLOCK.instant().plusSeconds(i), "<message><body>" + i + "</body></message>")).isTrue();
        }
        assertThat(store.store("bob", CLOCK.instant(), "<message><body>4</body></message>")).isFalse();
        assertThat(store.count("bob")).isEqualTo(3);

        List<OfflineMessage> taken = store.takeAll("bob");
        assertThat(taken).extracting(OfflineMessage::stanza).containsExactly(
                "<message><body>1</body></message>", "<message><body>2</body></message>", "<message><body>3</body></message>");
        assertThat(taken.get(0).stamp()).isEqualTo(CLOCK.instant().plusSeconds(1));
        assertThat(store.takeAll("bob")).isEmpty();
        assertThat(store.count("bob")).isZero();
    }

    @Test
    void theOfflineQuotaHoldsExactlyForConcurrentStoresAndFollowsEveryRemoval() throws Exception {
        users().create("erin", credentials("secret"), "", "");
        JdbcOfflineMessageStore store = new JdbcOfflineMessageStore(database(), 100, 1_000_000);
        String stanza = "<message><body>hello</body></message>";
        int size = stanza.length();
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(6);
        List<java.util.concurrent.Future<Integer>> kept = new java.util.ArrayList<>();
        try {
            for (int t = 0; t < 6; t++) {
                kept.add(threads.submit(() -> {
                    int n = 0;
                    for (int i = 0; i < 30; i++) {
                        n += store.store("erin", CLOCK.instant(), stanza) ? 1 : 0;
                    }
                    return n;
                }));
            }
            int total = 0;
            for (java.util.concurrent.Future<Integer> f : kept) {
                total += f.get();
            }
            assertThat(total).as("180 stores racing for 100 places").isEqualTo(100);
        } finally {
            threads.shutdownNow();
        }
        assertThat(store.count("erin")).isEqualTo(100);
        assertThat(store.bytes("erin")).isEqualTo(100L * size);
        assertThat(store.store("erin", CLOCK.instant(), stanza)).isFalse();

        List<OfflineMessage> page = store.page("erin", 0, 10, Long.MAX_VALUE);
        assertThat(store.removeIfPresent("erin", page.get(0).id())).isTrue();
        assertThat(store.removeIfPresent("erin", page.get(0).id())).as("removed already").isFalse();
        store.remove("erin", List.of(page.get(0).id(), page.get(1).id(), page.get(2).id()));
        assertThat(store.count("erin")).as("a message removed twice counts once").isEqualTo(97);
        assertThat(store.bytes("erin")).isEqualTo(97L * size);
        assertThat(store.store("erin", CLOCK.instant(), stanza)).as("room again").isTrue();
        assertThat(store.page("erin", 0, 1000, Long.MAX_VALUE)).hasSize(98);
        assertThat(store.count("frank")).as("a user with nothing stored").isZero();
    }

    @Test
    void offlineStorageIsBoundedInBytesAndReadInPagesThatNothingRemovesButRemove() throws Exception {
        users().create("carol", credentials("secret"), "", "");
        JdbcOfflineMessageStore store = new JdbcOfflineMessageStore(database(), 1000, 10_000);
        String big = "<message><body>" + "\u00e9".repeat(1500) + "</body></message>"; // 3,032 bytes in UTF-8
        for (int i = 0; i < 3; i++) {
            assertThat(store.store("carol", CLOCK.instant(), big)).isTrue();
        }
        assertThat(store.bytes("carol")).isEqualTo(3L * big.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        assertThat(store.store("carol", CLOCK.instant(), big)).as("beyond 10,000 bytes").isFalse();
        assertThat(store.store("carol", CLOCK.instant(), "<message><body>small</body></message>")).isTrue();
        assertThat(store.count("carol")).isEqualTo(4);

        List<OfflineMessage> first = store.page("carol", 0, 10, 5_000);
        assertThat(first).as("one big message fits in 5,000 bytes").hasSize(1);
        List<OfflineMessage> tiny = store.page("carol", 0, 10, 10);
        assertThat(tiny).as("the first message comes even if it alone is larger").hasSize(1);
        List<OfflineMessage> rest = store.page("carol", first.get(0).id(), 2, 1_000_000);
        assertThat(rest).hasSize(2);
        assertThat(rest.get(0).id()).isGreaterThan(first.get(0).id());
        assertThat(store.count("carol")).as("reading removes nothing").isEqualTo(4);

        store.remove("carol", List.of(first.get(0).id(), rest.get(0).id()));
        assertThat(store.count("carol")).isEqualTo(2);
        List<OfflineMessage> left = store.page("carol", 0, 10, 1_000_000);
        assertThat(left).extracting(OfflineMessage::id).containsExactly(rest.get(1).id(), left.get(1).id());
        assertThat(left.get(1).stanza()).contains("small");
        store.remove("someone-else", List.of(left.get(0).id()));
        assertThat(store.count("carol")).as("only the user's own messages are removed").isEqualTo(2);
    }

    @Test
    void aMessageClaimedByADeliveryCannotBeTakenBackAndOneTakenBackIsNotClaimed() throws Exception {
        users().create("gina", credentials("secret"), "", "");
        JdbcOfflineMessageStore store = new JdbcOfflineMessageStore(database(), 10);
        long first = store.add("gina", CLOCK.instant(), "<message><body>1</body></message>");
        long second = store.add("gina", CLOCK.instant(), "<message><body>2</body></message>");
        long third = store.add("gina", CLOCK.instant(), "<message><body>3</body></message>");
        assertThat(store.claim("gina", List.of())).isEmpty();
        assertThat(store.claim("nobody", List.of(first))).as("not the user's").isEmpty();

        // the sender's node takes the second back before the delivery claims the page: the delivery skips it
        assertThat(store.removeIfPresent("gina", second)).isTrue();
        assertThat(store.claim("gina", List.of(first, second, third))).containsExactlyInAnyOrder(first, third);
        // after the claim the sender's node cannot take the others back: only the delivery hands them over
        assertThat(store.removeIfPresent("gina", first)).as("claimed by a delivery").isFalse();
        assertThat(store.count("gina")).isEqualTo(2);
        // a delivery that did not finish leaves them stored: the next one reads them again and removes them
        assertThat(store.page("gina", 0, 10, Long.MAX_VALUE)).extracting(OfflineMessage::id).containsExactly(first, third);
        store.remove("gina", List.of(first, third));
        assertThat(store.count("gina")).isZero();
        assertThat(store.bytes("gina")).isZero();
        long fourth = store.add("gina", CLOCK.instant(), "<message><body>4</body></message>");
        assertThat(store.removeIfPresent("gina", fourth)).as("never claimed").isTrue();
    }

    @Test
    void anOfflineMessageKeptWithItsIdIsTakenBackOnceAndOnlyByItsUser() throws Exception {
        users().create("dave", credentials("secret"), "", "");
        JdbcOfflineMessageStore store = new JdbcOfflineMessageStore(database(), 2);
        long first = store.add("dave", CLOCK.instant(), "<message><body>1</body></message>");
        long second = store.add("dave", CLOCK.instant(), "<message><body>2</body></message>");
        assertThat(second).isGreaterThan(first).isGreaterThanOrEqualTo(0);
        assertThat(store.add("dave", CLOCK.instant(), "<message><body>3</body></message>")).as("over the limit").isEqualTo(-1);
        assertThat(store.removeIfPresent("someone-else", first)).isFalse();
        assertThat(store.removeIfPresent("dave", first)).isTrue();
        assertThat(store.removeIfPresent("dave", first)).as("taken already").isFalse();
        assertThat(store.page("dave", 0, 10, 1_000_000)).extracting(OfflineMessage::id).containsExactly(second);
    }

    @Test
    void deletingAnAccountDeletesItsRosterAndOfflineMessages() throws Exception {
        JdbcUserStore users = users();
        users.create("alice", credentials("secret"), "", "");
        JdbcRosterStore rosters = new JdbcRosterStore(database());
        JdbcOfflineMessageStore offline = new JdbcOfflineMessageStore(database(), 10);
        rosters.put("alice", new RosterItem("bob@example.com", "Bob", Set.of("G"), Subscription.BOTH, false, false));
        offline.store("alice", CLOCK.instant(), "<message/>");

        users.delete("alice");
        users.create("alice", credentials("again"), "", "");

        assertThat(rosters.items("alice")).isEmpty();
        assertThat(offline.count("alice")).isZero();
    }
}
