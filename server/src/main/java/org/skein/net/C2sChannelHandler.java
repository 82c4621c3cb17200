package org.skein.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.dom4j.Element;
import org.skein.session.ClientConnection;
import org.skein.session.StreamHandler;
import org.skein.xmpp.stream.StreamEnd;
import org.skein.xmpp.stream.StreamFault;
import org.skein.xmpp.stream.StreamHeader;
import org.skein.xmpp.stream.XmlStreamDecoder;
import org.skein.xmpp.tls.TlsContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.StreamError;

/**
 * The last inbound handler of a client pipeline, on the event loop: it hands each stream event to the
 * connection's {@link StreamHandler} through the connection's {@link SerialExecutor}, and stops
 * reading from a client whose events pile up faster than they are processed, counted in events and in
 * bytes of parsed stanzas (reading resumes when the backlog is worked off). It also stops reading for a
 * while from a client that sends faster than its {@link InboundLimits} allow (a token bucket in bytes of
 * stanzas), so that one flooding client cannot take the event loop, the processing pool and the cores
 * from the others; nothing it sent is lost, TCP slows it down. One per connection.
 *
 * <p>It also enforces the {@link ConnectionLimits}: a connection the {@link ConnectionGate} refuses, one
 * pushed out to make room for a newer login, and one that has not logged in by the login deadline
 * get a stream error from their stream handler (which knows how to open a stream first), and the
 * socket is closed a few seconds later whatever happens to that goodbye ({@link OutboundLimits#closeGrace()}).
 * A client that does not read what is sent to it is ended the same way, with {@code policy-violation}
 * (see {@link NettyClientConnection}).
 */
final class C2sChannelHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(C2sChannelHandler.class);
    /** Events waiting for processing at which reading from the client stops. */
    static final int HIGH_WATER = 256;
    /** Events waiting at which reading resumes. */
    static final int LOW_WATER = 32;
    /**
     * Bytes of parsed stanzas waiting for processing at which reading stops (besides the count: 256
     * stanzas of 256 KiB each would hold 64 MiB of one client's trees); reading resumes below a quarter.
     * One stanza always fits, whatever its size.
     */
    static final long HIGH_WATER_BYTES = 1024 * 1024;

    private final SerialExecutor executor;
    private final C2sTransport transport;
    private final TlsContext tls;
    private final boolean encrypted;
    private final InetSocketAddress clientAddress;
    private final Function<ClientConnection, StreamHandler> handlers;
    private final ConnectionRegistry registry;
    private final ConnectionGate gate;
    private final Duration loginTimeout;
    private final OutboundLimits outbound;
    /** The connection's inbound rate, or null for none. */
    private final TokenBucket rate;
    /** Whether reading is paused because the client sent faster than its rate (set on the event loop, read by the pool). */
    private volatile boolean overRate;
    private NettyClientConnection connection;
    private StreamHandler handler;
    private ConnectionGate.Ticket ticket;
    private ScheduledFuture<?> loginDeadline;
    private boolean loggedIn;
    private volatile boolean ending;
    private final java.util.concurrent.atomic.AtomicLong pendingBytes = new java.util.concurrent.atomic.AtomicLong();
    private XmlStreamDecoder decoder;

    C2sChannelHandler(SerialExecutor executor, TlsContext tls, Function<ClientConnection, StreamHandler> handlers,
                      ConnectionRegistry registry) {
        this(executor, TcpTransport.INSTANCE, tls, false, null, handlers, registry, null, null, OutboundLimits.DEFAULT,
                InboundLimits.NONE);
    }

    /**
     * @param tls the context for STARTTLS, or null where it is not offered
     * @param encrypted whether the connection is encrypted from the start (wss, or a trusted TLS proxy)
     * @param clientAddress the client's address if not the socket's peer (a trusted proxy's forward), else null
     * @param gate the listener's connection limits, or {@code null} for none
     * @param loginTimeout how long the client has to log in, or {@code null} for no deadline
     * @param outbound the bound of what waits for the client, and the graces
     * @param inbound how fast the client may send
     */
    C2sChannelHandler(SerialExecutor executor, C2sTransport transport, TlsContext tls, boolean encrypted,
                      InetSocketAddress clientAddress, Function<ClientConnection, StreamHandler> handlers,
                      ConnectionRegistry registry, ConnectionGate gate, Duration loginTimeout, OutboundLimits outbound,
                      InboundLimits inbound) {
        this.executor = executor;
        this.transport = transport;
        this.tls = tls;
        this.encrypted = encrypted;
        this.clientAddress = clientAddress;
        this.handlers = handlers;
        this.registry = registry;
        this.gate = gate;
        this.loginTimeout = loginTimeout;
        this.outbound = outbound;
        this.rate = inbound.limited() ? new TokenBucket(inbound.bytesPerSecond(), inbound.burstBytes(), System::nanoTime) : null;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        // added behind a transport's handshake (WebSocket), when the channel is active already
        if (ctx.channel().isActive()) {
            begin(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.fireChannelActive();
        begin(ctx);
    }

    private void begin(ChannelHandlerContext ctx) {
        if (connection != null) {
            return;
        }
        decoder = ctx.pipeline().get(XmlStreamDecoder.class);
        connection = new NettyClientConnection(ctx.channel(), executor, decoder, tls, transport.name(), transport.framing(),
                encrypted, clientAddress, outbound);
        connection.onLoggedIn(() -> ctx.executor().execute(() -> loggedIn()));
        connection.onBacklog(registry::backlog);
        connection.onStalled(reason -> {
            registry.stalled();
            ctx.executor().execute(() -> end(ctx, StreamError.Condition.policy_violation, reason));
        });
        handler = handlers.apply(connection);
        registry.add(connection);
        if (gate != null) {
            InetSocketAddress client = clientAddress != null ? clientAddress : (InetSocketAddress) ctx.channel().remoteAddress();
            ConnectionGate.Admission admission = gate.admit(client);
            if (admission.evicted() != null) {
                admission.evicted().evict();
            }
            if (!admission.admitted()) {
                LOG.debug("Refusing the connection from {}: {}", client, admission.refusal());
                String report = gate.refusalReport(admission.refusal());
                if (report != null) {
                    LOG.warn(report);
                }
                end(ctx, StreamError.Condition.policy_violation, admission.refusal());
                return;
            }
            ticket = admission.ticket();
            ticket.onEvicted(() -> ctx.executor().execute(() -> end(ctx, StreamError.Condition.resource_constraint,
                    "too many clients are logging in; try again")));
        }
        if (loginTimeout != null) {
            loginDeadline = ctx.executor().schedule(() -> {
                if (!loggedIn) {
                    LOG.debug("{} did not log in within {}", connection.remoteAddress(), loginTimeout);
                    end(ctx, StreamError.Condition.policy_violation, "log in within " + loginTimeout.toSeconds() + " s");
                }
            }, loginTimeout.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /** On the event loop: the client bound a resource. */
    private void loggedIn() {
        loggedIn = true;
        if (loginDeadline != null) {
            loginDeadline.cancel(false);
            loginDeadline = null;
        }
        if (ticket != null && gate != null) {
            gate.loggedIn(ticket);
        }
    }

    /**
     * On the event loop: ends the connection for a limit. The stream handler says why (it sends a
     * stream header first if none went out); the socket is closed after a grace period in any case,
     * also when the client does not read.
     */
    private void end(ChannelHandlerContext ctx, StreamError.Condition condition, String text) {
        if (ending || !ctx.channel().isActive()) {
            return;
        }
        ending = true;
        ctx.channel().config().setAutoRead(false);
        StreamHandler target = handler;
        executor.execute(() -> target.onFault(new StreamFault(condition, text)));
        ctx.executor().schedule(() -> {
            if (ctx.channel().isActive()) {
                ctx.close();
            }
        }, outbound.closeGrace().toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (ending) {
            io.netty.util.ReferenceCountUtil.release(msg);
            return; // the connection is being ended for a limit: nothing it sends is processed
        }
        StreamHandler target = handler;
        if (msg instanceof Element) {
            long bytes = decoder == null ? 0 : decoder.lastElementBytes();
            pendingBytes.addAndGet(bytes);
            dispatch(ctx.channel(), () -> {
                try {
                    target.onElement((Element) msg);
                } finally {
                    pendingBytes.addAndGet(-bytes);
                }
            });
            if (rate != null) {
                charge(ctx, bytes);
            }
        } else if (msg instanceof StreamHeader) {
            dispatch(ctx.channel(), () -> target.onHeader((StreamHeader) msg));
        } else if (msg instanceof StreamFault) {
            dispatch(ctx.channel(), () -> target.onFault((StreamFault) msg));
        } else if (msg instanceof StreamEnd) {
            dispatch(ctx.channel(), target::onEnd);
        } else {
            LOG.warn("Unexpected message {} on {}", msg.getClass().getName(), ctx.channel());
        }
    }

    /**
     * On the event loop: pays for a stanza of {@code bytes}; if the client is now over its rate, stops
     * reading from it until it is within its rate again. The stanzas already read are processed meanwhile.
     */
    private void charge(ChannelHandlerContext ctx, long bytes) {
        long wait = rate.take(bytes);
        if (wait <= 0) {
            return;
        }
        if (!overRate) {
            overRate = true;
            registry.inboundPaused();
            ctx.executor().schedule(() -> rateRefilled(ctx), wait, TimeUnit.NANOSECONDS);
        }
        if (ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(false); // also after a processing thread turned it on in a race
        }
    }

    /** On the event loop: the wait for the rate is over, unless more stanzas were charged meanwhile. */
    private void rateRefilled(ChannelHandlerContext ctx) {
        long more = rate.debtNanos();
        if (more > 0) {
            ctx.executor().schedule(() -> rateRefilled(ctx), more, TimeUnit.NANOSECONDS);
            return;
        }
        overRate = false;
        resumeIfWorkedOff(ctx.channel());
    }

    /** Reads from the client again if nothing holds it back: its stanzas are processed and it is within its rate. */
    private void resumeIfWorkedOff(Channel channel) {
        if (!ending && !overRate && !channel.config().isAutoRead() && executor.pending() <= LOW_WATER
                && pendingBytes.get() <= HIGH_WATER_BYTES / 4) {
            channel.config().setAutoRead(true);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        NettyClientConnection current = connection;
        if (current != null) {
            current.writabilityChanged();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            StreamHandler target = handler;
            dispatch(ctx.channel(), target::onIdle);
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        NettyClientConnection closed = connection;
        StreamHandler target = handler;
        if (loginDeadline != null) {
            loginDeadline.cancel(false);
            loginDeadline = null;
        }
        if (ticket != null && gate != null) {
            gate.closed(ticket);
        }
        if (closed != null) {
            registry.remove(closed);
            closed.discardOutbound();
            executor.execute(target::onClosed);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            LOG.debug("Connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        } else {
            LOG.info("Closing connection {} after an error: {}", ctx.channel().remoteAddress(), cause.toString());
        }
        ctx.close();
    }

    private void dispatch(Channel channel, Runnable task) {
        executor.execute(() -> {
            task.run();
            resumeIfWorkedOff(channel);
        });
        if ((executor.pending() >= HIGH_WATER || pendingBytes.get() >= HIGH_WATER_BYTES) && channel.config().isAutoRead()) {
            channel.config().setAutoRead(false);
        }
    }
}
