package org.skein.testing;

import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.skein.XmppServer;
import org.skein.cluster.NodeID;
import org.skein.cluster.testing.InMemoryCluster;
import org.skein.routing.InboundDelivery;
import org.skein.routing.RemotePacketRouter;
import org.skein.routing.RoutingTable;
import org.skein.session.LocalClientSession;
import org.skein.xmpp.stream.StanzaParser;
import org.xmpp.packet.JID;
import org.xmpp.packet.Packet;

/**
 * The packet router part of a node on an {@link InMemoryCluster}: it carries a stanza's XML (not the
 * object) to the target node on one sender thread, so stanzas arrive in the order they were handed
 * over, parses it there and delivers it to the recipient's local session (or, for a component's
 * address, to the component there). A stanza whose node has left or whose session is gone is handed
 * back with {@link RoutingTable#remoteDeliveryFailed}, as the plugin's router must. Refuses
 * ({@code false}) when the sending or the target node is not a member. The node starts it when it
 * joins and stops it when it leaves.
 */
final class InMemoryPacketRouter implements RemotePacketRouter, RemotePacketRouter.Part {

    private final InMemoryCluster cluster;
    private final NodeID localNode;
    private final Function<NodeID, XmppServer> nodes;
    private volatile RoutingTable routingTable;
    private volatile ExecutorService sender;

    InMemoryPacketRouter(InMemoryCluster cluster, NodeID localNode, Function<NodeID, XmppServer> nodes) {
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.localNode = Objects.requireNonNull(localNode, "localNode");
        this.nodes = Objects.requireNonNull(nodes, "nodes");
    }

    @Override
    public RemotePacketRouter start(RoutingTable table, InboundDelivery inbound) {
        this.routingTable = table;
        this.sender = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "in-memory-router-" + localNode);
            thread.setDaemon(true);
            return thread;
        });
        return this;
    }

    @Override
    public void stop(boolean drain) {
        ExecutorService running = sender;
        if (running == null) {
            return;
        }
        running.shutdown();
        try {
            if (!drain || !running.awaitTermination(10, TimeUnit.SECONDS)) {
                running.shutdownNow();
                running.awaitTermination(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean routePacket(NodeID target, JID recipient, Packet packet) {
        if (!cluster.members().contains(localNode) || !cluster.members().contains(target)) {
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
        XmppServer node = cluster.members().contains(target) ? nodes.apply(target) : null;
        LocalClientSession session = node == null ? null : node.routingTable().localSession(recipient);
        if (session != null) {
            session.deliver(copy);
        } else if (node != null && node.components().forAddress(recipient).isPresent()) {
            node.routingTable().routeToFullJid(recipient, copy); // a component's address: to the component there
        } else {
            routingTable.remoteDeliveryFailed(target, recipient, copy);
        }
    }
}
