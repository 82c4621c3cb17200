package org.skein.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.skein.auth.ScramAlgorithm;
import org.skein.auth.ScramCredentials;
import org.skein.blocking.JdbcBlockListStore;
import org.skein.lastactivity.JdbcLastActivityStore;
import org.skein.lastactivity.LastActivity;
import org.skein.privatedata.JdbcPrivateXmlStore;
import org.skein.vcard.JdbcVCardStore;

/**
 * What the stores of vCards, private XML, block lists and last activity do, on each database Skein
 * supports (mixed into {@link H2StorageTest} and {@link PostgresStorageTest}).
 */
interface ImStoresContract {

    /** A started database with an empty schema. */
    Database database();

    private JdbcUserStore users() {
        return new JdbcUserStore(database(), AbstractStorageTest.CLOCK);
    }

    private void account(String name) throws Exception {
        users().create(name, List.of(ScramCredentials.derive(ScramAlgorithm.SHA_256, "secret", 4096)), "", "");
    }

    @Test
    default void vcardsAreStoredReplacedAndRemovedOnePerUser() throws Exception {
        account("alice");
        account("bob");
        JdbcVCardStore store = new JdbcVCardStore(database(), AbstractStorageTest.CLOCK);
        assertThat(store.find("alice")).isEmpty();

        store.put("alice", "<vCard xmlns=\"vcard-temp\"><FN>Alice</FN></vCard>");
        store.put("bob", "<vCard xmlns=\"vcard-temp\"><FN>Bob</FN></vCard>");
        store.put("alice", "<vCard xmlns=\"vcard-temp\"><FN>Alice Liddell</FN></vCard>");

        assertThat(store.find("alice")).contains("<vCard xmlns=\"vcard-temp\"><FN>Alice Liddell</FN></vCard>");
        assertThat(store.find("bob")).contains("<vCard xmlns=\"vcard-temp\"><FN>Bob</FN></vCard>");
        assertThat(store.delete("alice")).isTrue();
        assertThat(store.delete("alice")).isFalse();
        assertThat(store.find("alice")).isEmpty();
        assertThatThrownBy(() -> store.put("nobody", "<vCard xmlns=\"vcard-temp\"/>")).isInstanceOf(StorageException.class);
    }

    @Test
    default void aLargeVCardIsKeptWhole() throws Exception {
        account("alice");
        JdbcVCardStore store = new JdbcVCardStore(database(), AbstractStorageTest.CLOCK);
        String photo = "A".repeat(200_000);
        String vcard = "<vCard xmlns=\"vcard-temp\"><PHOTO><BINVAL>" + photo + "</BINVAL></PHOTO><FN>Ünïcødé</FN></vCard>";
        store.put("alice", vcard);
        assertThat(store.find("alice")).contains(vcard);
    }

    @Test
    default void privateXmlIsKeptPerNamespaceWithinTheAccountsLimit() throws Exception {
        account("alice");
        JdbcPrivateXmlStore store = new JdbcPrivateXmlStore(database());
        Map<String, String> first = new LinkedHashMap<>();
        first.put("storage:bookmarks", "<storage xmlns=\"storage:bookmarks\"><conference jid=\"a@b\"/></storage>");
        first.put("exodus:prefs", "<exodus xmlns=\"exodus:prefs\"><nick>Al</nick></exodus>");
        assertThat(store.put("alice", first, 1000)).isTrue();

        assertThat(store.find("alice", "storage:bookmarks")).contains(first.get("storage:bookmarks"));
        assertThat(store.find("alice", "exodus:prefs")).contains(first.get("exodus:prefs"));
        assertThat(store.find("alice", "other:ns")).isEmpty();
        assertThat(store.find("bob", "exodus:prefs")).isEmpty();
        long size = store.size("alice");
        assertThat(size).isEqualTo(first.values().stream().mapToInt(String::length).sum());

        String replaced = "<exodus xmlns=\"exodus:prefs\"/>";
        assertThat(store.put("alice", Map.of("exodus:prefs", replaced), 1000)).isTrue();
        assertThat(store.find("alice", "exodus:prefs")).contains(replaced);

        // a replacement counts instead of what it replaces; anything over the limit changes nothing
        long now = store.size("alice");
        String big = "<big xmlns=\"big:ns\">" + "x".repeat((int) (1000 - now)) + "</big>";
        assertThat(store.put("alice", Map.of("big:ns", big), 1000)).isFalse();
        assertThat(store.find("alice", "big:ns")).isEmpty();
        assertThat(store.size("alice")).isEqualTo(now);
        assertThat(store.put("alice", Map.of("storage:bookmarks", "<storage xmlns=\"storage:bookmarks\"/>",
                "big:ns", "<big xmlns=\"big:ns\">" + "x".repeat(700) + "</big>"), 1000)).isTrue();
        assertThat(store.find("alice", "big:ns")).isPresent();
    }

    @Test
    default void blockListsAddRemoveAndClear() throws Exception {
        account("alice");
        JdbcBlockListStore store = new JdbcBlockListStore(database());
        assertThat(store.items("alice")).isEmpty();

        store.add("alice", List.of("spam@example.com", "evil.example.org", "bob@example.com/phone"));
        store.add("alice", List.of("spam@example.com", "carol@example.com"));
        assertThat(store.items("alice")).containsExactly("bob@example.com/phone", "carol@example.com", "evil.example.org",
                "spam@example.com");

        store.remove("alice", List.of("carol@example.com", "never@blocked"));
        assertThat(store.items("alice")).containsExactly("bob@example.com/phone", "evil.example.org", "spam@example.com");
        store.clear("alice");
        assertThat(store.items("alice")).isEmpty();
        assertThatThrownBy(() -> store.add("nobody", List.of("x@y"))).isInstanceOf(StorageException.class);
    }

    @Test
    default void lastActivityKeepsTheLatestLogoutOfExistingAccounts() throws Exception {
        account("alice");
        JdbcLastActivityStore store = new JdbcLastActivityStore(database());
        Instant t = Instant.parse("2026-11-22T10:00:00Z");
        assertThat(store.find("alice")).isEmpty();

        store.record("alice", new LastActivity(t, "Heading home"));
        assertThat(store.find("alice")).contains(new LastActivity(t, "Heading home"));
        store.record("alice", new LastActivity(t.plusSeconds(60), ""));
        store.record("alice", new LastActivity(t.plusSeconds(30), "older, recorded late by another node"));
        assertThat(store.find("alice")).contains(new LastActivity(t.plusSeconds(60), ""));

        store.record("nobody", new LastActivity(t, "gone"));
        assertThat(store.find("nobody")).isEmpty();
        store.record("alice", new LastActivity(t.plusSeconds(90), "s".repeat(5000)));
        assertThat(store.find("alice").orElseThrow().status()).hasSize(LastActivity.MAX_STATUS_LENGTH);
    }

    @Test
    default void deletingAnAccountDeletesItsVCardPrivateXmlBlockListAndLastActivity() throws Exception {
        account("alice");
        JdbcVCardStore vcards = new JdbcVCardStore(database(), AbstractStorageTest.CLOCK);
        JdbcPrivateXmlStore privateXml = new JdbcPrivateXmlStore(database());
        JdbcBlockListStore blocks = new JdbcBlockListStore(database());
        JdbcLastActivityStore last = new JdbcLastActivityStore(database());
        vcards.put("alice", "<vCard xmlns=\"vcard-temp\"><FN>Alice</FN></vCard>");
        privateXml.put("alice", Map.of("a:b", "<x xmlns=\"a:b\"/>"), 1000);
        blocks.add("alice", List.of("spam@example.com"));
        last.record("alice", new LastActivity(Instant.parse("2026-11-22T10:00:00Z"), "bye"));

        users().delete("alice");
        account("alice");

        assertThat(vcards.find("alice")).isEmpty();
        assertThat(privateXml.find("alice", "a:b")).isEmpty();
        assertThat(privateXml.size("alice")).isZero();
        assertThat(blocks.items("alice")).isEmpty();
        assertThat(last.find("alice")).isEmpty();
    }
}
