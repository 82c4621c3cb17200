package org.skein.conformance;

import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.skein.XmppServer;
import org.skein.cache.Cache;
import org.skein.routing.ClientRoute;
import org.skein.roster.Roster;
import org.skein.roster.RosterItem;
import org.skein.roster.RosterManager;
import org.skein.session.LocalClientSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.JID;

/**
 * Looks, once a second while SINT runs across the nodes, at what each node believes of the sessions the
 * others hold (their routes) and of those users' rosters (its cached copy against the database), and keeps
 * the disagreements that last three looks in a row: a failure that shows only in some runs then comes with
 * what the nodes believed. Reads caches without filling them.
 */
final class ClusterViewWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterViewWatch.class);
    private static final int LASTING = 3;
    private static final int KEPT = 20;

    private final List<XmppServer> nodes;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sint-cluster-view-watch");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Integer> streaks = new HashMap<>();
    private final List<String> lasting = new ArrayList<>();

    ClusterViewWatch(List<XmppServer> nodes) {
        this.nodes = List.copyOf(nodes);
        timer.scheduleWithFixedDelay(this::lookSafely, 1, 1, TimeUnit.SECONDS);
    }

    /** The disagreements that lasted, oldest first (at most twenty). */
    synchronized List<String> lasting() {
        return List.copyOf(lasting);
    }

    private void lookSafely() {
        try {
            look();
        } catch (RuntimeException e) {
            LOG.debug("A look at the nodes' views failed", e);
        }
    }

    private synchronized void look() {
        Map<String, XmppServer> owners = new LinkedHashMap<>();
        for (XmppServer node : nodes) {
            for (LocalClientSession session : node.routingTable().localSessions()) {
                if (!session.isClosed() && session.isAvailable()) {
                    owners.put(session.address().toString(), node);
                }
            }
        }
        Set<String> seen = new HashSet<>();
        Set<String> users = new HashSet<>();
        for (Map.Entry<String, XmppServer> owned : owners.entrySet()) {
            JID full = new JID(owned.getKey());
            users.add(full.getNode());
            String owner = owned.getValue().nodeId().toString();
            for (XmppServer node : nodes) {
                ClientRoute route = node.routingTable().clientRoute(full);
                if (route == null || !route.node().toString().equals(owner) || !route.available()) {
                    seen.add("node " + node.nodeId() + " sees the route of " + full + " (available on " + owner + ") as " + route);
                } else if (!node.routingTable().routesOf(full.toBareJID()).containsKey(full)) {
                    seen.add("node " + node.nodeId() + " does not list " + full + " (on " + owner + ") among " + full.toBareJID() + "'s sessions");
                }
            }
        }
        for (String user : users) {
            Set<RosterItem> stored = new HashSet<>(nodes.get(0).rosterStore().items(user));
            for (XmppServer node : nodes) {
                Optional<Cache<String, Roster>> rosters = node.cacheFactory().getCache(RosterManager.CACHE_NAME);
                Roster cached = rosters.map(c -> c.get(user)).orElse(null);
                if (cached != null && !new HashSet<>(cached.items()).equals(stored)) {
                    seen.add("node " + node.nodeId() + "'s cached roster of " + user + " is " + cached.items() + ", the database's " + stored);
                }
            }
        }
        streaks.keySet().retainAll(seen);
        for (String disagreement : seen) {
            int streak = streaks.merge(disagreement, 1, Integer::sum);
            if (streak == LASTING) {
                String note = LocalTime.now() + " " + disagreement;
                LOG.warn("Lasting disagreement: {}", note);
                if (lasting.size() < KEPT) {
                    lasting.add(note);
                }
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
