package org.skein.pubsub;

import java.io.Serializable;
import java.util.Map;
import org.skein.cache.CacheSizes;
import org.skein.cache.Cacheable;

/**
 * All nodes of one (PEP) service with the newest item of each: what a node needs to send contacts the
 * last items when they come online, in one cache read per contact. Immutable.
 *
 * @param nodes node name → node
 * @param lastItems node name → its newest item (nodes without items are not in it)
 */
public record ServiceState(Map<String, NodeState> nodes, Map<String, PublishedItem> lastItems)
        implements Serializable, Cacheable {

    private static final long serialVersionUID = 1L;

    public static final ServiceState EMPTY = new ServiceState(Map.of(), Map.of());

    public ServiceState {
        nodes = Map.copyOf(nodes);
        lastItems = Map.copyOf(lastItems);
    }

    @Override
    public int getCachedSize() {
        long size = 64;
        for (NodeState node : nodes.values()) {
            size += node.getCachedSize();
        }
        for (PublishedItem item : lastItems.values()) {
            size += 96 + CacheSizes.sizeOf(item.id()) + CacheSizes.sizeOf(item.payloadXml());
        }
        return (int) Math.min(Integer.MAX_VALUE, size);
    }
}
