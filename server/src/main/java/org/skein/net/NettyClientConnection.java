package org.skein.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.skein.session.ClientConnection;
import org.skein.xmpp.stream.StreamFraming;
import org.skein.xmpp.stream.XmlStreamDecoder;
import org.skein.xmpp.tls.TlsContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.StreamError;

/**
 * A {@link ClientConnection} over a Netty channel. Writes from any thread are queued here (as text) and
 * written on the event loop while the channel is writable (its {@link OutboundLimits#writeBuffer()
 * water marks}), then flushed once per batch, so a burst of deliveries to one client costs one system
 * call and a client that does not read holds at most the high water mark in Netty's buffer.
 *
 * <p>The backlog (this queue plus Netty's buffer, in bytes) is watched: over {@link OutboundLimits#maxBytes()}
 * the connection reports itself {@link #isBacklogged() backlogged} until the backlog is under half of it
 * again; if that takes longer than {@link OutboundLimits#grace()}, or the backlog reaches twice the bound,
 * the stall handler ends the stream with {@code policy-violation}. Nothing here ever waits for the
 * socket. Stanzas that were never written when the channel closes go back to the session's
 * {@link OutboundListener}.
 */
final class NettyClientConnection implements ClientConnection {

    private static final Logger LOG = LoggerFactory.getLogger(NettyClientConnection.class);

    /** Text waiting for the socket; {@code stanza}: hand it back if it is never written. */
    private record Pending(String xml, int bytes, boolean stanza) {
    }

    private final Channel channel;
    private final SerialExecutor executor;
    private final XmlStreamDecoder decoder;
    private final TlsContext tls;
    private final String transport;
    private final StreamFraming framing;
    private final InetSocketAddress clientAddress;
    private final OutboundLimits limits;
    private final Queue<Pending> outbound = new ConcurrentLinkedQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final AtomicBoolean backlogged = new AtomicBoolean();
    private final AtomicBoolean stalled = new AtomicBoolean();
    private volatile java.util.function.LongConsumer backlogObserver = backlog -> { };
    private final Runnable drainTask = this::drain;
    private volatile boolean secure;
    private volatile Runnable loggedInListener = () -> { };
    private volatile Consumer<String> stallHandler = reason -> closeWithError(StreamError.Condition.policy_violation, reason);
    private volatile OutboundListener outboundListener = NO_LISTENER;
    /** Event loop only: no more writes from the queue (the stream's last words went out). */
    private boolean ended;
    /** Event loop only: ends the stream if the backlog stays over the bound. */
    private ScheduledFuture<?> graceCheck;

    private static final OutboundListener NO_LISTENER = new OutboundListener() {
        @Override
        public void relieved() {
        }

        @Override
        public void unsent(String xml) {
            LOG.debug("A stanza was not written before its connection closed, and no session was there to take it back");
        }
    };

    /**
     * @param tls the context for STARTTLS, or null where it is not offered
     * @param transport the transport's name, shown with the session
     * @param framing how the stream's own parts are written
     * @param encrypted whether the connection is encrypted from the start
     * @param clientAddress the client's address when it is not the socket's peer, else null
     * @param limits the bound of the outbound backlog and its graces
     */
    NettyClientConnection(Channel channel, SerialExecutor executor, XmlStreamDecoder decoder, TlsContext tls, String transport,
                          StreamFraming framing, boolean encrypted, InetSocketAddress clientAddress, OutboundLimits limits) {
        this.channel = channel;
        this.executor = executor;
        this.decoder = decoder;
        this.tls = tls;
        this.transport = transport;
        this.framing = framing;
        this.clientAddress = clientAddress;
        this.secure = encrypted;
        this.limits = limits;
    }

    @Override
    public String transport() {
        return transport;
    }

    @Override
    public StreamFraming framing() {
        return framing;
    }

    /** What the network side does when the client has logged in (limits and deadlines, see C2sChannelHandler). */
    void onLoggedIn(Runnable listener) {
        this.loggedInListener = listener;
    }

    @Override
    public void loggedIn() {
        loggedInListener.run();
    }

    @Override
    public Executor executor() {
        return executor;
    }

    SerialExecutor serialExecutor() {
        return executor;
    }

    @Override
    public void schedule(Runnable task, Duration delay) {
        try {
            channel.eventLoop().schedule(() -> executor.execute(task), delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // the node is stopping
        }
    }

    @Override
    public InetSocketAddress remoteAddress() {
        if (clientAddress != null) {
            return clientAddress;
        }
        SocketAddress address = channel.remoteAddress();
        return address instanceof InetSocketAddress ? (InetSocketAddress) address : null;
    }

    @Override
    public boolean isSecure() {
        return secure;
    }

    @Override
    public boolean isOpen() {
        return channel.isActive() && !closing.get();
    }

    /** Told the connection's backlog in bytes each time a stanza or stream element is queued (for the node's peak). */
    void onBacklog(java.util.function.LongConsumer observer) {
        this.backlogObserver = observer;
    }

    /** What ends the stream of a client that does not read (the stream handler says why); given the reason. */
    void onStalled(Consumer<String> handler) {
        this.stallHandler = handler;
    }

    @Override
    public void setOutboundListener(OutboundListener listener) {
        this.outboundListener = listener == null ? NO_LISTENER : listener;
    }

    @Override
    public boolean isBacklogged() {
        return backlogged.get();
    }

    /** Bytes waiting for the socket: in this connection's queue and in Netty's buffer. */
    long backlogBytes() {
        ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
        return queuedBytes.get() + (buffer == null ? 0 : buffer.totalPendingWriteBytes());
    }

    @Override
    public void send(String xml) {
        enqueue(xml, false);
    }

    @Override
    public void sendStanza(String xml) {
        enqueue(xml, true);
    }

    private void enqueue(String xml, boolean stanza) {
        if (closing.get()) {
            if (stanza) {
                handBack(List.of(xml));
            }
            return;
        }
        int bytes = ByteBufUtil.utf8Bytes(xml);
        outbound.add(new Pending(xml, bytes, stanza));
        queuedBytes.addAndGet(bytes);
        long backlog = backlogBytes();
        backlogObserver.accept(backlog);
        if (backlog >= limits.maxBytes() && backlogged.compareAndSet(false, true)) {
            LOG.debug("{} does not read: {} bytes wait for it (bound {}); the slow-consumer policy applies for up to {} s",
                    remoteAddress(), backlog, limits.maxBytes(), limits.grace().toSeconds());
            onLoop(this::startGrace);
        }
        if (backlog >= limits.hardMaxBytes()) {
            stall("the client does not read: " + backlog + " bytes wait for it");
        }
        if (drainScheduled.compareAndSet(false, true)) {
            onLoop(drainTask);
        }
    }

    private void onLoop(Runnable task) {
        try {
            channel.eventLoop().execute(task);
        } catch (RejectedExecutionException e) {
            discardOutbound(); // the node is stopping and its event loops are gone
        }
    }

    /** On the event loop: the backlog went over the bound; the stream ends if it is still over after the grace. */
    private void startGrace() {
        if (graceCheck != null || !backlogged.get()) {
            return;
        }
        graceCheck = channel.eventLoop().schedule(() -> {
            graceCheck = null;
            if (backlogged.get() && channel.isActive()) {
                stall("the client did not read what was sent to it for " + limits.grace().toSeconds() + " s");
            }
        }, limits.grace().toNanos(), TimeUnit.NANOSECONDS);
    }

    private void stall(String reason) {
        if (stalled.compareAndSet(false, true)) {
            LOG.info("Ending the stream of {}: {}", remoteAddress(), reason);
            stallHandler.accept(reason);
        }
    }

    /** On the event loop: the channel's writability changed (the socket took or refused bytes). */
    void writabilityChanged() {
        drain();
    }

    /** On the event loop: writes what is queued while the channel is writable, then flushes once. */
    private void drain() {
        drainScheduled.set(false);
        if (ended) {
            return;
        }
        boolean wrote = false;
        while (channel.isActive() && channel.isWritable()) {
            Pending pending = outbound.poll();
            if (pending == null) {
                break;
            }
            queuedBytes.addAndGet(-pending.bytes());
            ByteBuf buf = ByteBufUtil.writeUtf8(channel.alloc(), pending.xml());
            if (pending.stanza()) {
                channel.write(buf).addListener(future -> {
                    if (!future.isSuccess()) {
                        handBack(List.of(pending.xml()));
                    }
                });
            } else {
                channel.write(buf, channel.voidPromise());
            }
            wrote = true;
        }
        if (wrote) {
            channel.flush();
        }
        if (backlogged.get() && backlogBytes() <= limits.resumeBytes() && channel.isActive()) {
            if (graceCheck != null) {
                graceCheck.cancel(false);
                graceCheck = null;
            }
            if (backlogged.compareAndSet(true, false)) {
                LOG.debug("{} reads again: {} bytes wait for it", remoteAddress(), backlogBytes());
                OutboundListener listener = outboundListener;
                executor.execute(listener::relieved);
            }
        }
    }

    /** Gives stanzas that were never written back to the session, on the connection's executor. */
    private void handBack(List<String> stanzas) {
        if (stanzas.isEmpty()) {
            return;
        }
        OutboundListener listener = outboundListener;
        try {
            executor.execute(() -> stanzas.forEach(listener::unsent));
        } catch (RejectedExecutionException e) {
            LOG.warn("{} stanzas for {} were not written and the node is stopping: they are lost", stanzas.size(), remoteAddress());
        }
    }

    /** The channel closed: what was queued and never written is released; stanzas go back to the session. */
    void discardOutbound() {
        List<String> stanzas = new ArrayList<>();
        Pending pending;
        while ((pending = outbound.poll()) != null) {
            queuedBytes.addAndGet(-pending.bytes());
            if (pending.stanza()) {
                stanzas.add(pending.xml());
            }
        }
        if (graceCheck != null && channel.eventLoop().inEventLoop()) {
            graceCheck.cancel(false);
            graceCheck = null;
        }
        handBack(stanzas);
    }

    @Override
    public void startTls(String proceed) {
        if (tls == null) {
            throw new IllegalStateException("TLS is not available");
        }
        onLoop(() -> {
            drain();
            channel.pipeline().addFirst(C2sInitializer.TLS, tls.newStartTlsHandler(channel.alloc()));
            secure = true;
            decoder.restart();
            channel.writeAndFlush(ByteBufUtil.writeUtf8(channel.alloc(), proceed), channel.voidPromise());
        });
    }

    @Override
    public void restartStream(String success) {
        onLoop(() -> {
            drain();
            decoder.restart();
            channel.writeAndFlush(ByteBufUtil.writeUtf8(channel.alloc(), success), channel.voidPromise());
        });
    }

    @Override
    public void resumeParsing() {
        onLoop(decoder::resume);
    }

    /** Completes when the channel is closed. */
    io.netty.channel.ChannelFuture closeFuture() {
        return channel.closeFuture();
    }

    @Override
    public void closeWithError(StreamError.Condition condition, String text) {
        closeAfter(framing.error(condition, text), framing.end());
    }

    @Override
    public void close() {
        closeAfter(framing.end());
    }

    /**
     * Writes what the socket takes of the queue and the last words (each a write of its own, for framed
     * transports), then closes; the socket is closed after {@link OutboundLimits#closeGrace()} whatever
     * is still queued (a client that does not read never takes the last words). What was not written
     * goes back to the session.
     */
    private void closeAfter(String... lastWords) {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        onLoop(() -> {
            drain();
            ended = true;
            if (!channel.isActive()) {
                channel.close();
                return;
            }
            for (int i = 0; i < lastWords.length - 1; i++) {
                channel.write(ByteBufUtil.writeUtf8(channel.alloc(), lastWords[i]), channel.voidPromise());
            }
            channel.writeAndFlush(ByteBufUtil.writeUtf8(channel.alloc(), lastWords[lastWords.length - 1]))
                    .addListener(ChannelFutureListener.CLOSE);
            channel.eventLoop().schedule(() -> {
                if (channel.isActive()) {
                    LOG.debug("{} did not take the end of its stream within {} s; closing the socket", remoteAddress(),
                            limits.closeGrace().toSeconds());
                    channel.close();
                }
            }, limits.closeGrace().toNanos(), TimeUnit.NANOSECONDS);
        });
    }
}
