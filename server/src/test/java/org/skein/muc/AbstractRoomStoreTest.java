package org.skein.muc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.skein.storage.Database;

/** What the store of persistent rooms does, run against each database Skein supports. */
abstract class AbstractRoomStoreTest {

    /** A started database with an empty schema. */
    abstract Database database();

    private static RoomRecord room(String jid) {
        RoomConfig config = RoomConfig.builder().name("Room " + jid).description("about things").persistent(true).publicRoom(false)
                .membersOnly(true).moderated(true).password("sesame").maxUsers(42).whois(RoomConfig.Whois.ANYONE).changeSubject(true)
                .allowInvites(true).allowPm(RoomConfig.AllowPm.MODERATORS).logging(true).historyLength(7).build();
        return new RoomRecord(jid, config, Map.of("owner@example.org", Affiliation.OWNER, "member@example.org", Affiliation.MEMBER,
                "spammer@example.org", Affiliation.OUTCAST), "salt123", 1_700_000_000_000L, false,
                new RoomRecord.Subject("Today: ünïcødé ☃", "owner", 1_700_000_001_000L));
    }

    @Test
    void aRoomIsStoredWithItsConfigurationAffiliationsAndSubjectAndReadBack() {
        JdbcRoomStore store = new JdbcRoomStore(database());
        RoomRecord room = room("lobby@conference.example.org");
        store.save(room);
        assertThat(store.load("lobby@conference.example.org")).contains(room);
        assertThat(store.load("other@conference.example.org")).isEmpty();
    }

    @Test
    void savingAgainReplacesConfigurationAndAffiliations() {
        JdbcRoomStore store = new JdbcRoomStore(database());
        RoomRecord room = room("lobby@conference.example.org");
        store.save(room);
        RoomRecord changed = room.withConfig(room.config().toBuilder().name("Renamed").password("").maxUsers(0).build())
                .withAffiliations(Map.of("owner@example.org", Affiliation.OWNER, "new@example.org", Affiliation.ADMIN))
                .withSubject(null);
        store.save(changed);
        assertThat(store.load("lobby@conference.example.org")).contains(changed);
    }

    @Test
    void roomsAreListedPerServiceAndDeleted() {
        JdbcRoomStore store = new JdbcRoomStore(database());
        store.save(room("b@conference.example.org"));
        store.save(room("a@conference.example.org"));
        store.save(room("a@chat.example.org"));
        assertThat(store.list("conference.example.org")).extracting(RoomRecord::room)
                .containsExactly("a@conference.example.org", "b@conference.example.org");
        assertThat(store.list("conference.example.org").get(0).config()).isEqualTo(room("a@conference.example.org").config());
        assertThat(store.delete("a@conference.example.org")).isTrue();
        assertThat(store.delete("a@conference.example.org")).isFalse();
        assertThat(store.list("conference.example.org")).extracting(RoomRecord::room).containsExactly("b@conference.example.org");
        assertThat(store.load("a@chat.example.org")).isPresent();
    }
}
