package org.skein.muc;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.skein.cache.Cache;
import org.skein.cache.CacheFactory;
import org.skein.cluster.ClusterNodeInfo;
import org.skein.cluster.NodeID;
import org.skein.clustering.ClusterManager;

/**
 * Which node runs each room: the clustered cache {@value #CACHE} (room JID → node id), read from its
 * near cache for every stanza (no round trip) and written once per room activation, never per stanza.
 *
 * <p>A room without a home is claimed by the winner of rendezvous hashing over the current members,
 * with {@code putIfAbsent}: every node computes the same winner, so rooms spread over the nodes and a
 * node that joins gets its share of the rooms that start from then on; a room never moves while it
 * runs. A home that is no longer a member (crashed or left) is replaced with {@code replace(room, dead,
 * winner)}, a compare-and-set, so exactly one survivor takes each room over.
 *
 * <p>The cache is only written while the node is in a cluster: alone, every room's home is this node,
 * and the cache stays empty, so its local content never overwrites the cluster's when the node joins.
 * Thread-safe.
 */
final class Homes {

    static final String CACHE = "muc.homes";

    private final NodeID localNode;
    private final CacheFactory caches;
    private final ClusterManager cluster;
    private final Cache<String, String> homes;

    Homes(NodeID localNode, CacheFactory caches, ClusterManager cluster) {
        this.localNode = localNode;
        this.caches = caches;
        this.cluster = cluster;
        this.homes = caches.createCache(CACHE);
    }

    boolean clustered() {
        return caches.isClustered();
    }

    /** The recorded home of a room (near cache), or {@code null}; this node when not clustered. */
    NodeID recorded(String room) {
        if (!clustered()) {
            return localNode;
        }
        String value = homes.get(room);
        return value == null ? null : NodeID.of(value);
    }

    /** The recorded home as the owning member has it now (no near cache), or {@code null}. */
    NodeID latest(String room) {
        if (!clustered()) {
            return localNode;
        }
        String value = homes.getLatest(room);
        return value == null ? null : NodeID.of(value);
    }

    boolean isMember(NodeID node) {
        return node.equals(localNode) || cluster.getNodeInfo(node).isPresent();
    }

    /** The rendezvous winner for a room among the current members. */
    NodeID candidate(String room) {
        return rendezvous(room, members());
    }

    List<NodeID> members() {
        Collection<ClusterNodeInfo> infos = cluster.getNodesInfo();
        List<NodeID> nodes = new ArrayList<>(infos.size());
        for (ClusterNodeInfo info : infos) {
            nodes.add(info.nodeId());
        }
        if (!nodes.contains(localNode)) {
            nodes.add(localNode);
        }
        return nodes;
    }

    /** The node with the highest hash of (room, node): the same answer on every node for the same members. */
    static NodeID rendezvous(String room, Collection<NodeID> nodes) {
        NodeID best = null;
        long bestScore = Long.MIN_VALUE;
        for (NodeID node : nodes) {
            long score = mix(room, node.value());
            if (best == null || score > bestScore || (score == bestScore && node.value().compareTo(best.value()) < 0)) {
                best = node;
                bestScore = score;
            }
        }
        return best;
    }

    private static long mix(String room, String node) {
        // FNV-1a over both, then a 64-bit finaliser: stable across JVMs (String.hashCode would be too, but mixes poorly)
        long h = 0xcbf29ce484222325L;
        for (byte b : (room + "\u0000" + node).getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    /**
     * Claims a room for this node if it has no home: returns the home it has now (this node if the claim
     * won). Alone, always this node.
     */
    NodeID claim(String room) {
        if (!clustered()) {
            return localNode;
        }
        String previous = homes.putIfAbsent(room, localNode.value());
        return previous == null ? localNode : NodeID.of(previous);
    }

    /** Records {@code candidate} as the home of a room that has none: returns the home it has now. */
    NodeID claimFor(String room, NodeID candidate) {
        if (!clustered()) {
            return localNode;
        }
        String previous = homes.putIfAbsent(room, candidate.value());
        return previous == null ? candidate : NodeID.of(previous);
    }

    /** Replaces a home that is gone with {@code candidate}, if the room's home is still {@code dead}. */
    boolean replaceWith(String room, NodeID dead, NodeID candidate) {
        return clustered() && homes.replace(room, dead.value(), candidate.value());
    }

    /** Takes a room over from a home that is gone: whether this node won (the home was still {@code dead}). */
    boolean takeOver(String room, NodeID dead) {
        if (!clustered()) {
            return true;
        }
        return homes.replace(room, dead.value(), localNode.value());
    }

    /** Gives a room's home up (the room was destroyed or went to rest), if it is still this node. */
    void release(String room) {
        if (clustered()) {
            homes.remove(room, localNode.value());
        }
    }

    /** Every room and its home (a scan of the clustered cache: for failover and consoles, never per stanza). */
    java.util.Map<String, NodeID> all() {
        java.util.Map<String, NodeID> all = new java.util.HashMap<>();
        if (clustered()) {
            for (java.util.Map.Entry<String, String> e : homes.entrySet()) {
                all.put(e.getKey(), NodeID.of(e.getValue()));
            }
        }
        return all;
    }
}
