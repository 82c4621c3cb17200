package org.skein.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.benmanes.caffeine.cache.Ticker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.skein.cache.CacheFactory;
import org.skein.cache.CacheSettings;
import org.skein.cluster.NodeID;
import org.skein.component.ComponentRegistry;
import org.skein.component.LocalComponent;
import org.xmpp.packet.Packet;

/**
 * Stanzas from other nodes for recipients without a live session here: those for the node's rooms and
 * services are routed on while the hand-back of stanzas for gone sessions (offline storage, in the
 * database) is stuck, and each path keeps the order of the stanzas given to it.
 */
class InboundStanzasTest {

    private static final NodeID ONE = NodeID.of("one");
    private static final NodeID TWO = NodeID.of("two");

    private final CacheFactory caches = new CacheFactory(ONE, name -> CacheSettings.UNLIMITED, Ticker.systemTicker());
    private final ExecutorService threads = Executors.newFixedThreadPool(2 + 2);
    private final RoutingTable routingTable = new RoutingTable(ONE, caches);
    private final InboundStanzas inbound = new InboundStanzas(routingTable, threads, 2, 10_000);
    private final CountDownLatch databaseHangs = new CountDownLatch(1);

    @AfterEach
    void stop() throws InterruptedException {
        databaseHangs.countDown();
        threads.shutdownNow();
        threads.awaitTermination(10, TimeUnit.SECONDS);
        caches.close();
    }

    @Test
    void roomsAreServedWhileOfflineStorageHangs() {
        List<String> offline = new CopyOnWriteArrayList<>();
        routingTable.setUndeliverableHandler((recipient, packet) -> {
            offline.add(packet.getID());
            try {
                databaseHangs.await(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        List<String> room = new CopyOnWriteArrayList<>();
        ComponentRegistry components = new ComponentRegistry("example.org");
        components.add(new Recording("conference.example.org", room));
        routingTable.setComponents(components);
        List<InboundDelivery.Outcome> outcomes = new CopyOnWriteArrayList<>();

        for (int i = 0; i < 3; i++) {
            inbound.deliver(TWO, List.of("gone@example.org/phone"), Addressing.AS_IS, message("gone@example.org/phone", "off" + i),
                    (recipient, outcome) -> outcomes.add(outcome));
        }
        for (int i = 0; i < 20; i++) {
            inbound.deliver(TWO, List.of("room@conference.example.org/nick"), Addressing.AS_IS,
                    message("room@conference.example.org/nick", "muc" + i), (recipient, outcome) -> outcomes.add(outcome));
        }

        // the first hand-back hangs in the "database"; the room gets all of its stanzas meanwhile, in order
        await().atMost(Duration.ofSeconds(30)).until(() -> room.size() == 20);
        assertThat(room).containsExactly(java.util.stream.IntStream.range(0, 20).mapToObj(i -> "muc" + i).toArray(String[]::new));
        assertThat(offline).containsExactly("off0");
        assertThat(inbound.pending()).isEqualTo(2 + 1);

        databaseHangs.countDown();
        await().atMost(Duration.ofSeconds(30)).until(() -> offline.size() == 3);
        assertThat(offline).containsExactly("off0", "off1", "off2");
        await().atMost(Duration.ofSeconds(30)).until(() -> inbound.pending() == 0);
        assertThat(outcomes).filteredOn(o -> o == InboundDelivery.Outcome.UNDELIVERABLE).hasSize(3);
        assertThat(outcomes).filteredOn(o -> o == InboundDelivery.Outcome.DELIVERED).hasSize(20);
    }

    private static byte[] message(String to, String id) {
        return ("<message xmlns='jabber:client' from='juliet@example.org/balcony' to='" + to + "' id='" + id
                + "' type='chat'><body>hi</body></message>").getBytes(StandardCharsets.UTF_8);
    }

    private record Recording(String domain, List<String> ids) implements LocalComponent {
        @Override
        public String name() {
            return "recording";
        }

        @Override
        public void process(Packet packet) {
            ids.add(packet.getID());
        }
    }
}
