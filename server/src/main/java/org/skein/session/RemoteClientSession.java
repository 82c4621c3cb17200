package org.skein.session;

import java.time.Instant;
import java.util.Objects;
import org.skein.cluster.ClusterException;
import org.skein.cluster.NodeID;
import org.skein.clustering.ClusterManager;
import org.skein.routing.RoutingTable;
import org.skein.xmpp.stream.StanzaParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.JID;
import org.xmpp.packet.Packet;
import org.xmpp.packet.Presence;
import org.xmpp.packet.StreamError;

/**
 * A client session held by another node, as this node sees it: a snapshot of its {@link SessionInfo}
 * (address, node, presence, priority, creation time, client address, stream id: read without asking
 * the owning node), plus two actions that do reach it: {@link #deliver} goes through the routing
 * table (and the remote packet router), {@link #close} sends a cluster task to the owning node
 * without waiting. Get one from {@link SessionManager#getSession} or a {@link RemoteSessionLocator}.
 *
 * <p>Immutable apart from a lazily parsed presence; thread-safe.
 */
public final class RemoteClientSession implements ClientSession {

    private static final Logger LOG = LoggerFactory.getLogger(RemoteClientSession.class);

    private final JID address;
    private final SessionInfo info;
    private final RoutingTable routingTable;
    private final ClusterManager cluster;
    private volatile Presence presence;

    public RemoteClientSession(JID address, SessionInfo info, RoutingTable routingTable, ClusterManager cluster) {
        this.address = Objects.requireNonNull(address, "address");
        this.info = Objects.requireNonNull(info, "info");
        this.routingTable = Objects.requireNonNull(routingTable, "routingTable");
        this.cluster = Objects.requireNonNull(cluster, "cluster");
    }

    @Override
    public JID address() {
        return address;
    }

    @Override
    public NodeID node() {
        return info.node();
    }

    /** The session info this view was made from. */
    public SessionInfo info() {
        return info;
    }

    @Override
    public Presence presence() {
        Presence current = presence;
        if (current == null) {
            current = parsePresence();
            presence = current;
        }
        return current.createCopy();
    }

    private Presence parsePresence() {
        if (info.isAvailable()) {
            try {
                Presence parsed = (Presence) StanzaParser.parsePacket(info.presenceXml());
                parsed.setFrom(address);
                return parsed;
            } catch (RuntimeException e) {
                LOG.debug("Unreadable presence of {} in the session info", address, e);
            }
        }
        Presence unavailable = new Presence(Presence.Type.unavailable);
        unavailable.setFrom(address);
        return unavailable;
    }

    @Override
    public boolean isAvailable() {
        return info.isAvailable();
    }

    @Override
    public int priority() {
        return info.isAvailable() ? info.priority() : 0;
    }

    @Override
    public Instant creationTime() {
        return Instant.ofEpochMilli(info.created());
    }

    @Override
    public String streamId() {
        return info.streamId();
    }

    @Override
    public String clientAddress() {
        return info.clientAddress();
    }

    /** Routes the packet to the session (through the remote packet router); never waits for the other node. */
    @Override
    public void deliver(Packet packet) {
        routingTable.routeToFullJid(address, packet);
    }

    /** Asks the owning node to close the session with a stream error; does not wait for it. */
    @Override
    public void close(StreamError.Condition condition, String text) {
        try {
            cluster.doClusterTask(new SessionTasks.Close(address.toString(), condition.toXMPP(), text), info.node());
        } catch (ClusterException e) {
            LOG.info("Could not ask node {} to close {}: {}", info.node(), address, e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "remote session " + address + " on " + info.node() + " (stream " + info.streamId() + ")";
    }
}
