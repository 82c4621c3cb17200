package org.skein.hazelcast.cache;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.map.MapEvent;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryEvictedListener;
import com.hazelcast.map.listener.EntryExpiredListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import com.hazelcast.map.listener.MapClearedListener;
import com.hazelcast.map.listener.MapEvictedListener;
import java.util.function.Function;
import org.skein.cache.CacheEntryListener;
import org.skein.cluster.NodeID;

/**
 * Turns Hazelcast's map events into {@link CacheEntryListener} calls with the node the change came
 * from. Expiry is reported as eviction; {@code evictAll} as a clear. Events from this node are left
 * out unless the listener asked for them. A {@linkplain #silence() silenced} adapter passes nothing on.
 */
final class EntryEventAdapter<K, V> implements EntryAddedListener<K, V>, EntryUpdatedListener<K, V>,
        EntryRemovedListener<K, V>, EntryEvictedListener<K, V>, EntryExpiredListener<K, V>,
        MapClearedListener, MapEvictedListener {

    private final CacheEntryListener<K, V> listener;
    private final boolean includeLocal;
    private final NodeID localNode;
    private final Function<Member, NodeID> origin;
    private volatile boolean silenced;

    EntryEventAdapter(CacheEntryListener<K, V> listener, boolean includeLocal, NodeID localNode, Function<Member, NodeID> origin) {
        this.listener = listener;
        this.includeLocal = includeLocal;
        this.localNode = localNode;
        this.origin = origin;
    }

    private NodeID originOf(Member member) {
        return member == null ? null : origin.apply(member);
    }

    /** From now on no event reaches the listener (its registration may still exist). */
    void silence() {
        silenced = true;
    }

    private boolean skip(NodeID node) {
        return silenced || !includeLocal && localNode.equals(node);
    }

    @Override
    public void entryAdded(EntryEvent<K, V> event) {
        NodeID node = originOf(event.getMember());
        if (!skip(node)) {
            listener.entryAdded(event.getKey(), event.getValue(), node);
        }
    }

    @Override
    public void entryUpdated(EntryEvent<K, V> event) {
        NodeID node = originOf(event.getMember());
        if (!skip(node)) {
            listener.entryUpdated(event.getKey(), event.getOldValue(), event.getValue(), node);
        }
    }

    @Override
    public void entryRemoved(EntryEvent<K, V> event) {
        NodeID node = originOf(event.getMember());
        if (!skip(node)) {
            listener.entryRemoved(event.getKey(), event.getOldValue(), node);
        }
    }

    @Override
    public void entryEvicted(EntryEvent<K, V> event) {
        NodeID node = originOf(event.getMember());
        if (!skip(node)) {
            listener.entryEvicted(event.getKey(), event.getOldValue(), node);
        }
    }

    @Override
    public void entryExpired(EntryEvent<K, V> event) {
        NodeID node = originOf(event.getMember());
        if (!skip(node)) {
            listener.entryEvicted(event.getKey(), event.getOldValue(), node);
        }
    }

    @Override
    public void mapCleared(MapEvent event) {
        NodeID node = originOf(event.getMember());
        if (!skip(node)) {
            listener.mapCleared(node);
        }
    }

    @Override
    public void mapEvicted(MapEvent event) {
        NodeID node = originOf(event.getMember());
        if (!skip(node)) {
            listener.mapCleared(node);
        }
    }
}
