package org.skein.roster;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.skein.cache.CacheFactory;
import org.skein.cluster.NodeID;
import org.skein.config.CacheSettingsResolver;
import org.skein.config.ServerConfig;

/**
 * Two nodes change one user's roster through one database while each reads through a cache of its own
 * that the other's change has not reached yet (in a cluster: a near cache whose invalidation is still on
 * its way). A change must never write a stale copy back over the other node's change: this lost the
 * "to" half of a mutual subscription made across two nodes.
 */
class RosterManagerStaleCacheTest {

    private final InMemoryRosterStore store = new InMemoryRosterStore();
    private final CacheFactory cachesOfNode1 = caches("node1");
    private final CacheFactory cachesOfNode2 = caches("node2");
    private final RosterManager node1 = new RosterManager(store, cachesOfNode1);
    private final RosterManager node2 = new RosterManager(store, cachesOfNode2);

    @AfterEach
    void close() {
        cachesOfNode1.close();
        cachesOfNode2.close();
    }

    @Test
    void aChangeBuildsOnTheStoredRosterNotOnAStaleCachedCopy() {
        node1.update("alice", "bob@localhost", item -> new RosterItem("bob@localhost", "Bob", Set.of(), Subscription.NONE, true, false));
        assertThat(node1.getItem("alice", "bob@localhost")).isPresent(); // node 1 now holds a copy

        // bob approves on node 2: alice's item becomes "to"
        node2.update("alice", "bob@localhost", item -> item.withSubscription(Subscription.TO, false, item.pendingIn()));
        // alice approves bob's request on node 1, whose copy still says "none"
        RosterManager.Change change = node1.update("alice", "bob@localhost", item -> item.withSubscription(
                item.subscription() == Subscription.TO ? Subscription.BOTH : Subscription.FROM, item.pendingOut(), false));

        assertThat(change.before().subscription()).isEqualTo(Subscription.TO);
        assertThat(store.find("alice", "bob@localhost").orElseThrow().subscription()).isEqualTo(Subscription.BOTH);
        assertThat(node1.getItem("alice", "bob@localhost").orElseThrow().subscription()).isEqualTo(Subscription.BOTH);
    }

    private CacheFactory caches(String node) {
        return new CacheFactory(NodeID.of(node), new CacheSettingsResolver(ServerConfig.inMemory(Map.of()))::resolve,
                Ticker.systemTicker());
    }

    /** The database, shared by both nodes. */
    private static final class InMemoryRosterStore implements RosterStore {
        private final Map<String, Map<String, RosterItem>> rosters = new ConcurrentHashMap<>();

        @Override
        public List<RosterItem> items(String username) {
            return new ArrayList<>(rosters.getOrDefault(username, Map.of()).values());
        }

        @Override
        public Optional<RosterItem> find(String username, String contactJid) {
            return Optional.ofNullable(rosters.getOrDefault(username, Map.of()).get(contactJid));
        }

        @Override
        public void put(String username, RosterItem item) {
            rosters.computeIfAbsent(username, u -> new TreeMap<>()).put(item.jid(), item);
        }

        @Override
        public boolean remove(String username, String contactJid) {
            return rosters.getOrDefault(username, new TreeMap<>()).remove(contactJid) != null;
        }
    }
}
