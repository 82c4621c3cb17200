package org.skein.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.skein.session.ClientConnection;
import org.skein.xmpp.stream.StreamFraming;
import org.skein.xmpp.stream.XmlStreamDecoder;
import org.skein.xmpp.tls.TlsContext;
import org.xmpp.packet.StreamError;

/**
 * A {@link ClientConnection} over a Netty channel. Writes from any thread are queued on the channel
 * and flushed once per batch (a flush task is scheduled only if none is pending), so a burst of
 * deliveries to one client costs one system call.
 */
final class NettyClientConnection implements ClientConnection {

    private final Channel channel;
    private final SerialExecutor executor;
    private final XmlStreamDecoder decoder;
    private final TlsContext tls;
    private final String transport;
    private final StreamFraming framing;
    private final InetSocketAddress clientAddress;
    private final Queue<ByteBuf> outbound = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final Runnable drainTask = this::drain;
    private volatile boolean secure;
    private volatile Runnable loggedInListener = () -> { };

    /**
     * @param tls the context for STARTTLS, or null where it is not offered
     * @param transport the transport's name, shown with the session
     * @param framing how the stream's own parts are written
     * @param encrypted whether the connection is encrypted from the start
     * @param clientAddress the client's address when it is not the socket's peer, else null
     */
    NettyClientConnection(Channel channel, SerialExecutor executor, XmlStreamDecoder decoder, TlsContext tls, String transport,
                          StreamFraming framing, boolean encrypted, InetSocketAddress clientAddress) {
        this.channel = channel;
        this.executor = executor;
        this.decoder = decoder;
        this.tls = tls;
        this.transport = transport;
        this.framing = framing;
        this.clientAddress = clientAddress;
        this.secure = encrypted;
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

    @Override
    public void send(String xml) {
        if (closing.get()) {
            return;
        }
        outbound.add(ByteBufUtil.writeUtf8(channel.alloc(), xml));
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

    /** On the event loop: writes everything queued, then flushes once. */
    private void drain() {
        drainScheduled.set(false);
        ByteBuf buf;
        boolean wrote = false;
        while ((buf = outbound.poll()) != null) {
            if (channel.isActive()) {
                channel.write(buf, channel.voidPromise());
                wrote = true;
            } else {
                buf.release();
            }
        }
        if (wrote) {
            channel.flush();
        }
    }

    /** Releases what was queued and never written (the channel closed). */
    void discardOutbound() {
        ByteBuf buf;
        while ((buf = outbound.poll()) != null) {
            buf.release();
        }
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

    /** Writes what is queued and the last words (each a write of its own, for framed transports), then closes. */
    private void closeAfter(String... lastWords) {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        onLoop(() -> {
            drain();
            if (!channel.isActive()) {
                channel.close();
                return;
            }
            for (int i = 0; i < lastWords.length - 1; i++) {
                channel.write(ByteBufUtil.writeUtf8(channel.alloc(), lastWords[i]), channel.voidPromise());
            }
            channel.writeAndFlush(ByteBufUtil.writeUtf8(channel.alloc(), lastWords[lastWords.length - 1]))
                    .addListener(ChannelFutureListener.CLOSE);
        });
    }
}
