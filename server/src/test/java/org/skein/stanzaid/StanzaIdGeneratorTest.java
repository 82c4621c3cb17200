package org.skein.stanzaid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.skein.cluster.NodeID;
import org.skein.testing.ManualClock;
import org.xmpp.packet.JID;
import org.xmpp.packet.Message;

/** Stanza ids: unique across nodes with the same clock, ordered by time as strings, bounds from times; the elements. */
class StanzaIdGeneratorTest {

    @Test
    void idsOfSeveralNodesOnOneFrozenClockAreUniqueAndSortByTimeAsStrings() {
        Clock frozen = Clock.fixed(Instant.parse("2026-12-03T12:00:00.123456Z"), ZoneOffset.UTC);
        List<StanzaIdGenerator> nodes = List.of(new StanzaIdGenerator(NodeID.of("one"), frozen),
                new StanzaIdGenerator(NodeID.of("two"), frozen), new StanzaIdGenerator(NodeID.of("three"), frozen));
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            for (StanzaIdGenerator node : nodes) {
                String id = node.next();
                assertThat(id).hasSize(StanzaIdGenerator.LENGTH).matches("[0-9a-v]+");
                assertThat(seen.add(id)).isTrue();
            }
        }
        StanzaIdGenerator one = nodes.get(0);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            ids.add(one.next());
        }
        assertThat(ids).isSorted();
        assertThat(StanzaIdGenerator.instantOf(ids.get(0))).isAfter(Instant.parse("2026-12-03T12:00:00.123456Z"));
    }

    @Test
    void timeBoundsSeparateIdsBeforeAndAfterAnInstantAndAFloorIsNeverGoneUnder() {
        ManualClock clock = new ManualClock(Instant.parse("2026-12-03T12:00:00Z"));
        StanzaIdGenerator ids = new StanzaIdGenerator(NodeID.of("one"), clock);
        String before = ids.next();
        clock.advance(java.time.Duration.ofSeconds(1));
        String at = ids.next();
        Instant t = Instant.parse("2026-12-03T12:00:01Z");
        assertThat(StanzaIdGenerator.instantOf(at)).isEqualTo(t);
        assertThat(before).isLessThan(StanzaIdGenerator.lowestIdAt(t));
        assertThat(at).isGreaterThan(StanzaIdGenerator.lowestIdAt(t));
        assertThat(at).isLessThan(StanzaIdGenerator.lowestIdAt(t.plusNanos(1000)));

        long ahead = StanzaIdGenerator.valueOf(at) + 5_000_000; // another node is 5 s ahead
        ids.raiseFloor(ahead);
        assertThat(StanzaIdGenerator.valueOf(ids.next())).isGreaterThan(ahead);
        assertThatThrownBy(() -> StanzaIdGenerator.valueOf("not-an-id")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void forgedIdsInThisServersNameGoOthersAndTheOriginIdStay() {
        Message m = new Message();
        m.setTo(new JID("bob@localhost"));
        StanzaIds.stamp(m, new JID("bob@localhost"), "forged");
        StanzaIds.stamp(m, new JID("localhost"), "forged2");
        StanzaIds.stamp(m, new JID("room@conference.elsewhere.example"), "theirs");
        m.getElement().addElement(org.dom4j.QName.get("origin-id", StanzaIds.NAMESPACE)).addAttribute("id", "o-1");
        assertThat(StanzaIds.stripForged(m, "localhost")).isTrue();
        assertThat(StanzaIds.stanzaId(m, new JID("bob@localhost"))).isEmpty();
        assertThat(StanzaIds.stanzaId(m, new JID("room@conference.elsewhere.example"))).contains("theirs");
        assertThat(StanzaIds.originId(m)).contains("o-1");
        assertThat(StanzaIds.stripForged(m, "localhost")).isFalse();
    }
}
