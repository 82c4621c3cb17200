package org.skein.hazelcast.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.benmanes.caffeine.cache.Ticker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.skein.cache.Cache;
import org.skein.cache.CacheFactory;
import org.skein.cache.CacheSettings;
import org.skein.cluster.NodeID;
import org.skein.routing.ClientRoute;
import org.skein.routing.InboundDelivery;
import org.skein.routing.RoutingTable;
import org.xmpp.packet.JID;
import org.xmpp.packet.Message;
import org.xmpp.packet.Packet;
import org.xmpp.packet.Presence;

/**
 * A batch that fails while its destination node is still a member (the node answers that it took the batch
 * too late, after a pause, and dropped it): the recipient's session is alive as far as the cluster knows, so
 * its route stays and the stanzas reach it on another try. Before, the route was removed for good: every
 * node then saw the user as offline (presence to her dropped, messages stored) until she logged in again.
 * When the node has left, the stanzas are handled as for offline recipients and the route goes, as before.
 */
class HandBackToALiveNodeTest {

    private static final NodeID ONE = NodeID.of("one");
    private static final NodeID TWO = NodeID.of("two");
    private static final JID BOB = new JID("bob@localhost/phone");

    private final CacheFactory caches = new CacheFactory(ONE, name -> CacheSettings.UNLIMITED, Ticker.systemTicker());
    private final RoutingTable routingTable = new RoutingTable(ONE, caches);
    private final List<Packet> undeliverable = new CopyOnWriteArrayList<>();
    private final ScriptedTransport transport = new ScriptedTransport();
    private HazelcastPacketRouter router;

    @BeforeEach
    void start() {
        routingTable.setUndeliverableHandler((recipient, packet) -> undeliverable.add(packet));
        // bob's session is on node two
        Cache<String, ClientRoute> routes = caches.createCache(RoutingTable.USERS_CACHE);
        Cache<String, HashSet<String>> sessions = caches.createCache(RoutingTable.SESSIONS_CACHE);
        routes.put(BOB.toString(), new ClientRoute(TWO, true, 0));
        sessions.put(BOB.toBareJID(), new HashSet<>(List.of(BOB.toString())));
        BatchReceiver receiver = new BatchReceiver(ONE, new InboundDelivery() {
            @Override
            public boolean hasRoom() {
                return true;
            }

            @Override
            public void deliver(NodeID source, List<String> recipients, org.skein.routing.Addressing addressing, byte[] stanza,
                                Report report) {
                // this test sends only: node one receives nothing
            }
        });
        router = new HazelcastPacketRouter(ONE, routingTable, RouterSettings.defaults(), transport, receiver, System::nanoTime,
                "epoch-one", Duration.ofSeconds(5));
        routingTable.setRemotePacketRouter(router);
    }

    @AfterEach
    void stop() {
        router.close();
        caches.close();
    }

    @Test
    void stanzasInABatchTheLiveNodeTookTooLateReachTheSessionOnAnotherTryAndItsRouteStays() {
        transport.refusals.set(1);
        Presence presence = new Presence();
        presence.setFrom("alice@localhost/desk");
        presence.setTo(BOB.asBareJID());
        Message message = new Message();
        message.setFrom("alice@localhost/desk");
        message.setTo(BOB);
        message.setBody("hello");
        assertThat(routingTable.routeToFullJid(BOB, presence)).isTrue();
        assertThat(routingTable.routeToFullJid(BOB, message)).isTrue();

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(transport.delivered()).containsExactlyInAnyOrder(presence.toXML(), message.toXML()));
        assertThat(routingTable.clientRoute(BOB)).as("bob's route").isNotNull();
        assertThat(routingTable.routesOf(BOB.toBareJID())).containsOnlyKeys(BOB);
        assertThat(routingTable.remoteDeliveryRetries()).isPositive();
        assertThat(undeliverable).isEmpty();
    }

    @Test
    void stanzasForANodeThatLeftAreHandledAsForOfflineRecipientsAndItsRouteGoes() {
        transport.refusals.set(1);
        Message message = new Message();
        message.setFrom("alice@localhost/desk");
        message.setTo(BOB);
        message.setBody("hello");
        transport.leaveOnRefusal = true; // the answer comes after the node left
        assertThat(routingTable.routeToFullJid(BOB, message)).isTrue();

        await().atMost(Duration.ofSeconds(20)).until(() -> undeliverable.size() == 1);
        assertThat(undeliverable.get(0).toXML()).isEqualTo(message.toXML());
        assertThat(routingTable.clientRoute(BOB)).isNull();
        assertThat(transport.delivered()).isEmpty();
    }

    /** Node two's end: refuses batches as taken too late while told to, then takes them; knows whether two is a member. */
    private static final class ScriptedTransport implements BatchTransport {
        /** How many batches from now on are refused as taken too late. */
        final AtomicInteger refusals = new AtomicInteger();
        final List<String> taken = new CopyOnWriteArrayList<>();
        volatile boolean leaveOnRefusal;
        volatile boolean gone;

        @Override
        public Object member(NodeID node) {
            return TWO.equals(node) && !gone ? "member-two" : null;
        }

        @Override
        public void send(Object member, StanzaBatch batch, BiConsumer<Long, Throwable> done) {
            if (refusals.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                gone = leaveOnRefusal;
                done.accept(SourceSequence.LATE, null);
                return;
            }
            for (QueuedStanza stanza : BatchCodec.decode(batch.bytes())) {
                taken.add(new String(stanza.xml(), StandardCharsets.UTF_8));
            }
            done.accept(batch.seq(), null);
        }

        List<String> delivered() {
            return taken;
        }
    }
}
