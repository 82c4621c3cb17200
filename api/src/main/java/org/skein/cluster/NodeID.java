package org.skein.cluster;

import java.io.Serializable;
import java.util.Objects;
import java.util.UUID;

/**
 * The identity of one node of a cluster: an immutable value, equal by content. A node keeps its id
 * across restarts (it is persisted in the node's home), so routes and session records written by a
 * node before a restart can still be attributed to it.
 */
public final class NodeID implements Serializable, Comparable<NodeID> {

    private static final long serialVersionUID = 1L;

    private final String id;

    private NodeID(String id) {
        this.id = id;
    }

    /**
     * @throws IllegalArgumentException if the id is blank or longer than 128 characters
     */
    public static NodeID of(String id) {
        Objects.requireNonNull(id, "id");
        String trimmed = id.trim();
        if (trimmed.isEmpty() || trimmed.length() > 128) {
            throw new IllegalArgumentException("a node id must have 1 to 128 characters, got '" + id + "'");
        }
        return new NodeID(trimmed);
    }

    /** A new random id (a UUID). */
    public static NodeID random() {
        return new NodeID(UUID.randomUUID().toString());
    }

    public String value() {
        return id;
    }

    @Override
    public boolean equals(Object o) {
        return this == o || (o instanceof NodeID && ((NodeID) o).id.equals(id));
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public int compareTo(NodeID other) {
        return id.compareTo(other.id);
    }

    @Override
    public String toString() {
        return id;
    }
}
