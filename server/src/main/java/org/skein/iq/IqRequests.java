package org.skein.iq;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.skein.cluster.NodeID;
import org.skein.routing.RoutingTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;

/**
 * IQ requests the server itself sends to a client (a {@code disco#info} for entity capabilities, a
 * ping...), and their responses.
 *
 * <p>{@link #send} gives the request an id of its own, routes it to the recipient's full JID (on this
 * node or another) and returns a future that completes with the {@code result} or {@code error} the
 * recipient sends back, or fails with a {@link TimeoutException} after the timeout, or with
 * {@link IqRequestException} when the recipient has no session. The recipient answers to the server's
 * domain, so its answer reaches the {@link IqRouter} of the node the recipient is connected to, which
 * hands it here ({@link #responseArrived}). An answer that reaches another node than the one that asked
 * (the recipient is connected there) is forwarded to the asking node, which the id names.
 *
 * <p>A response counts only if it comes from the JID the request went to: another client cannot answer
 * for it. Futures complete on the thread that handles the response (a client's processing thread, or a
 * cluster task thread): chain quick work only, or hand off with an {@code ...Async} stage.
 *
 * <p>Thread-safe.
 */
public final class IqRequests {

    private static final Logger LOG = LoggerFactory.getLogger(IqRequests.class);

    /** Ids the server gives its requests start with this, then a number, then the asking node's id. */
    static final String ID_PREFIX = "skein:";

    /** Hands a response that arrived here to the node that asked (a cluster task in a cluster). */
    @FunctionalInterface
    public interface ResponseForwarder {
        /**
         * @param node the node whose id the response's id names (never this node)
         * @param response the response
         * @return whether the node could be reached
         */
        boolean forward(NodeID node, IQ response);
    }

    private record Pending(JID recipient, CompletableFuture<IQ> future, ScheduledFuture<?> timeout) {
    }

    private final NodeID localNode;
    private final JID serverJid;
    private final RoutingTable routingTable;
    private final ScheduledExecutorService timer;
    private final AtomicLong counter = new AtomicLong();
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private volatile ResponseForwarder forwarder = (node, response) -> false;

    /**
     * @param timer runs the timeouts (the node's scheduler)
     */
    public IqRequests(NodeID localNode, JID serverJid, RoutingTable routingTable, ScheduledExecutorService timer) {
        this.localNode = Objects.requireNonNull(localNode, "localNode");
        this.serverJid = Objects.requireNonNull(serverJid, "serverJid");
        this.routingTable = Objects.requireNonNull(routingTable, "routingTable");
        this.timer = Objects.requireNonNull(timer, "timer");
    }

    /** Sets how responses for other nodes' requests reach them (the node's wiring sets it). */
    public void setForwarder(ResponseForwarder forwarder) {
        this.forwarder = Objects.requireNonNull(forwarder, "forwarder");
    }

    /**
     * Sends a request ({@code get} or {@code set}) from the server to a client's full JID.
     *
     * @param request the request; its {@code to} must be a full JID of this domain; its id is replaced
     *        and its {@code from} set to the server's domain when it has none
     * @param timeout how long to wait for the response
     * @return the response (a {@code result} or an {@code error}); fails with {@link TimeoutException}
     *         or {@link IqRequestException}
     * @throws IllegalArgumentException if the request is not a get/set or has no full JID as {@code to}
     */
    public CompletableFuture<IQ> send(IQ request, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (!request.isRequest()) {
            throw new IllegalArgumentException("not a request: " + request.getType());
        }
        JID to = request.getTo();
        if (to == null || to.getResource() == null) {
            throw new IllegalArgumentException("a server request goes to a full JID, not to " + to);
        }
        String id = ID_PREFIX + counter.incrementAndGet() + ":" + localNode.value();
        IQ copy = request.createCopy();
        copy.setID(id);
        if (copy.getFrom() == null) {
            copy.setFrom(serverJid);
        }
        CompletableFuture<IQ> future = new CompletableFuture<>();
        ScheduledFuture<?> timeoutTask;
        try {
            timeoutTask = timer.schedule(() -> expire(id, timeout), timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            future.completeExceptionally(new IqRequestException("the node is stopping"));
            return future;
        }
        pending.put(id, new Pending(to, future, timeoutTask));
        if (!routingTable.routeToFullJid(to, copy)) {
            Pending gone = pending.remove(id);
            if (gone != null) {
                gone.timeout().cancel(false);
                future.completeExceptionally(new IqRequestException("no session " + to));
            }
        }
        return future;
    }

    private void expire(String id, Duration timeout) {
        Pending expired = pending.remove(id);
        if (expired != null) {
            expired.future().completeExceptionally(new TimeoutException("no response from " + expired.recipient()
                    + " within " + timeout));
        }
    }

    /**
     * A {@code result} or {@code error} addressed to the server arrived on this node (the IQ router
     * calls this).
     *
     * @return whether it answered a request of the server's (here or, forwarded, on another node)
     */
    public boolean responseArrived(IQ response) {
        String id = response.getID();
        if (id == null || !id.startsWith(ID_PREFIX) || response.isRequest()) {
            return false;
        }
        int colon = id.indexOf(':', ID_PREFIX.length());
        if (colon < 0) {
            return false;
        }
        String nodeValue = id.substring(colon + 1);
        if (nodeValue.equals(localNode.value())) {
            return complete(response);
        }
        NodeID asker;
        try {
            asker = NodeID.of(nodeValue);
        } catch (IllegalArgumentException e) {
            return false;
        }
        boolean forwarded = forwarder.forward(asker, response);
        if (!forwarded) {
            LOG.debug("A response for node {} arrived here and could not be forwarded: {}", asker, id);
        }
        return forwarded;
    }

    /**
     * Completes the request this response answers, if it is this node's and the response comes from
     * the request's recipient.
     *
     * @return whether a request was completed
     */
    public boolean complete(IQ response) {
        String id = response.getID();
        if (id == null) {
            return false;
        }
        Pending waiting = pending.get(id);
        if (waiting == null || !waiting.recipient().equals(response.getFrom())) {
            return false; // unknown, timed out, or someone else answering for the recipient
        }
        if (!pending.remove(id, waiting)) {
            return false;
        }
        waiting.timeout().cancel(false);
        waiting.future().complete(response);
        return true;
    }

    /** How many requests wait for a response now. */
    public int pendingCount() {
        return pending.size();
    }
}
