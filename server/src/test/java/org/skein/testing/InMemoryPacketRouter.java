package org.skein.testing;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.skein.ServerContext;
import org.skein.cluster.NodeID;
import org.skein.routing.RemotePacketRouter;
import org.skein.session.LocalClientSession;
import org.skein.xmpp.stream.StanzaParser;
import org.xmpp.packet.JID;
import org.xmpp.packet.Packet;

/**
 * A stand-in {@link RemotePacketRouter} for nodes on an {@link InMemoryCluster}: it carries a stanza's
 * XML (not the object) to the target node on one sender thread, so stanzas arrive in the order they
 * were handed over, parses it there and delivers it to the recipient's local session (or, for a
 * component's address, to the component there). A stanza whose
 * node has left or whose session is gone is handed back with
 * {@link org.skein.routing.RoutingTable#remoteDeliveryFailed}, as the plugin's router must. Refuses
 * ({@code false}) when the sending or the target node is not a member. Close it to stop its thread.
 */
public final class InMemoryPacketRouter implements RemotePacketRouter, AutoCloseable {

    private final InMemoryCluster cluster;
    private final ServerContext node;
    private final ExecutorService sender;

    public InMemoryPacketRouter(InMemoryCluster cluster, ServerContext node) {
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.node = Objects.requireNonNull(node, "node");
        this.sender = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "in-memory-router-" + node.nodeId());
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public boolean routePacket(NodeID target, JID recipient, Packet packet) {
        if (cluster.member(node.nodeId()).isEmpty() || cluster.member(target).isEmpty()) {
            return false;
        }
        String xml = packet.toXML();
        try {
            sender.execute(() -> deliver(target, recipient, xml));
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    private void deliver(NodeID target, JID recipient, String xml) {
        Packet copy = StanzaParser.parsePacket(xml);
        Optional<InMemoryClusterStrategy> member = cluster.member(target);
        LocalClientSession session = member.map(m -> m.node().routingTable().localSession(recipient)).orElse(null);
        if (session != null) {
            session.deliver(copy);
        } else if (member.isPresent() && member.get().node().components().forAddress(recipient).isPresent()) {
            member.get().node().routingTable().routeToFullJid(recipient, copy); // a component's address: to the component there
        } else {
            node.routingTable().remoteDeliveryFailed(target, recipient, copy);
        }
    }

    @Override
    public void close() throws InterruptedException {
        sender.shutdownNow();
        sender.awaitTermination(10, TimeUnit.SECONDS);
    }
}
