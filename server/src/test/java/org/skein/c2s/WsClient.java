package org.skein.c2s;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An XMPP over WebSocket client for tests, on Netty's WebSocket client: connects to 127.0.0.1 (or
 * through TLS, trusting one certificate), sends text (or any) frames and reads each message the server
 * sends as one string, with deadlines so a test never hangs. It can leave out the {@code xmpp}
 * subprotocol, send an {@code Origin}, and leave pings unanswered. Public for the clustering plugin's
 * tests; one event loop thread per client, stopped by {@link #close()}.
 */
public final class WsClient implements AutoCloseable {

    /** The framing namespace of RFC 7395. */
    public static final String FRAMING = "urn:ietf:params:xml:ns:xmpp-framing";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final EventLoopGroup group;
    private final Channel channel;
    private final BlockingQueue<String> incoming = new LinkedBlockingQueue<>();
    /** Put after the last message once the connection is closed, so that a waiting reader stops waiting. */
    private static final String END = new String("(closed)");
    private final List<String> received = new ArrayList<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final AtomicInteger pings = new AtomicInteger();

    /** How to connect: the options a test may change. */
    public static final class Options {
        private String host = "127.0.0.1";
        private String path = "/xmpp-websocket";
        private String subprotocol = "xmpp";
        private String origin;
        private X509Certificate trusted;
        private String tlsHost;
        private boolean answerPings = true;
        private final HttpHeaders headers = new DefaultHttpHeaders();

        public Options path(String value) {
            path = value;
            return this;
        }

        /** The subprotocol to ask for, or null for none. */
        public Options subprotocol(String value) {
            subprotocol = value;
            return this;
        }

        public Options origin(String value) {
            origin = value;
            return this;
        }

        /** Speak TLS ({@code wss://}) and trust only this certificate, issued for {@code localhost}. */
        public Options tls(X509Certificate certificate) {
            return tls(certificate, "localhost");
        }

        /** Speak TLS ({@code wss://}) to the server named {@code hostName} and trust only this certificate. */
        public Options tls(X509Certificate certificate, String hostName) {
            trusted = certificate;
            tlsHost = hostName;
            return this;
        }

        /** Whether the client answers the server's pings (browsers do). */
        public Options answerPings(boolean value) {
            answerPings = value;
            return this;
        }

        public Options header(String name, String value) {
            headers.add(name, value);
            return this;
        }
    }

    public static Options options() {
        return new Options();
    }

    /** Connects with the {@code xmpp} subprotocol, plain {@code ws://}. */
    public static WsClient connect(int port) throws Exception {
        return connect(port, options());
    }

    /**
     * Connects and completes the WebSocket handshake.
     *
     * @throws WebSocketClientHandshakeException if the server answered the upgrade with an HTTP error
     */
    public static WsClient connect(int port, Options options) throws Exception {
        return new WsClient(port, options);
    }

    private WsClient(int port, Options options) throws Exception {
        group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("ws-test-client", true), NioIoHandler.newFactory());
        try {
            SslContext ssl = options.trusted == null ? null
                    : SslContextBuilder.forClient().trustManager(options.trusted).protocols("TLSv1.3", "TLSv1.2").build();
            HttpHeaders headers = new DefaultHttpHeaders().add(options.headers);
            if (options.origin != null) {
                headers.set("Origin", options.origin);
            }
            URI uri = URI.create((ssl == null ? "ws://" : "wss://") + options.host + ":" + port + options.path);
            WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
                    .webSocketUri(uri)
                    .subprotocol(options.subprotocol)
                    .customHeaders(headers)
                    .generateOriginHeader(false)
                    .maxFramePayloadLength(16 * 1024 * 1024)
                    .handleCloseFrames(false)
                    .dropPongFrames(true)
                    .handshakeTimeoutMillis(WAIT.toMillis())
                    .build();
            CompletableFuture<Void> handshake = new CompletableFuture<>();
            Bootstrap bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ChannelPipeline p = ch.pipeline();
                            if (ssl != null) {
                                p.addLast(ssl.newHandler(ch.alloc(), options.tlsHost, port));
                            }
                            p.addLast(new HttpClientCodec(), new HttpObjectAggregator(65536));
                            p.addLast(new PingCounter(options.answerPings));
                            p.addLast(new WebSocketClientProtocolHandler(config));
                            p.addLast(new WebSocketFrameAggregator(16 * 1024 * 1024));
                            p.addLast(new Collector(handshake));
                        }
                    });
            channel = bootstrap.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)).sync().channel();
            try {
                handshake.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                channel.close();
                if (e.getCause() instanceof Exception cause) {
                    throw cause;
                }
                throw e;
            }
        } catch (Exception | Error e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            throw e;
        }
    }

    /** Counts the server's pings; drops them before Netty's handler answers them, if asked to. */
    private final class PingCounter extends ChannelInboundHandlerAdapter {
        private final boolean answer;

        PingCounter(boolean answer) {
            this.answer = answer;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof PingWebSocketFrame ping) {
                pings.incrementAndGet();
                if (!answer) {
                    ping.release();
                    return;
                }
            }
            ctx.fireChannelRead(msg);
        }
    }

    private final class Collector extends ChannelInboundHandlerAdapter {
        private final CompletableFuture<Void> handshake;

        Collector(CompletableFuture<Void> handshake) {
            this.handshake = handshake;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                handshake.complete(null);
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof TextWebSocketFrame text) {
                    incoming.add(text.text());
                } else if (msg instanceof CloseWebSocketFrame close) {
                    ended(close.statusCode());
                    ctx.close();
                }
            } finally {
                io.netty.util.ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            handshake.completeExceptionally(new IllegalStateException("the connection closed during the handshake"));
            ended(-1);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            handshake.completeExceptionally(cause);
            ctx.close();
        }
    }

    private void ended(int code) {
        if (closed.complete(code)) {
            incoming.add(END);
        }
    }

    /** The next message, or null after the wait; fails at once if the connection closed with nothing more to read. */
    private String poll(long nanos, String waitingFor) throws InterruptedException {
        String message = nanos <= 0 ? null : incoming.poll(nanos, TimeUnit.NANOSECONDS);
        if (message == END) {
            incoming.add(END);
            throw new AssertionError("the server closed the connection before " + waitingFor + "; got: " + received);
        }
        return message;
    }

    /** Sends one text message. */
    public void send(String text) {
        channel.writeAndFlush(new TextWebSocketFrame(text)).syncUninterruptibly();
    }

    /** Sends one binary message. */
    public void sendBinary(byte[] bytes) {
        channel.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes))).syncUninterruptibly();
    }

    /** Sends a text message of raw bytes (which may not be UTF-8). */
    public void sendTextBytes(byte[] bytes) {
        channel.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(bytes))).syncUninterruptibly();
    }

    /** Sends any frame. */
    public void sendFrame(WebSocketFrame frame) {
        channel.writeAndFlush(frame).syncUninterruptibly();
    }

    /** The next message from the server; fails after the default wait. */
    public String next() throws InterruptedException {
        String message = poll(WAIT.toNanos(), "another message");
        if (message == null) {
            throw new AssertionError("no message within " + WAIT + "; got so far: " + received);
        }
        received.add(message);
        return message;
    }

    /** Reads messages until one contains {@code expected}; returns it. */
    public String await(String expected) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String message = poll(left, "'" + expected + "'");
            if (message == null) {
                throw new AssertionError("no message with '" + expected + "' within " + WAIT + "; got: " + received
                        + (closed.isDone() ? " (closed)" : ""));
            }
            received.add(message);
            if (message.contains(expected)) {
                return message;
            }
        }
    }

    /** Reads messages until one contains every one of {@code parts}; returns it. */
    public String awaitAll(String... parts) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String message = poll(left, "a message with all of " + List.of(parts));
            if (message == null) {
                throw new AssertionError("no message with all of " + List.of(parts) + " within " + WAIT + "; got: " + received
                        + (closed.isDone() ? " (closed)" : ""));
            }
            received.add(message);
            if (java.util.Arrays.stream(parts).allMatch(message::contains)) {
                return message;
            }
        }
    }

    /** Waits until the server closes the connection; returns every message read, one per line. */
    public String awaitClose() throws InterruptedException {
        try {
            closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            channel.closeFuture().await(WAIT.toMillis());
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("the server did not close the connection within " + WAIT + "; got: " + received);
        }
        String message;
        while ((message = incoming.poll()) != null) {
            if (message != END) {
                received.add(message);
            }
        }
        incoming.add(END);
        return String.join("\n", received);
    }

    /** The WebSocket close code the server sent, -1 if it closed the socket without a close frame; once closed. */
    public int closeCode() {
        return closed.getNow(null);
    }

    public boolean isOpen() {
        return channel.isActive() && !closed.isDone();
    }

    /** How many pings the server sent. */
    public int pings() {
        return pings.get();
    }

    /** Every message read so far, in order. */
    public List<String> received() {
        return List.copyOf(received);
    }

    /** The opening {@code <open/>} of a client stream to the domain. */
    public static String open(String domain) {
        return "<open xmlns='" + FRAMING + "' to='" + domain + "' version='1.0'/>";
    }

    public static String closeElement() {
        return "<close xmlns='" + FRAMING + "'/>";
    }

    /** Opens the stream, authenticates with PLAIN, opens again and binds a resource. */
    public void login(String domain, String user, String password, String resource) throws InterruptedException {
        send(open(domain));
        await("<stream:features");
        authPlain(user, password);
        await("<success");
        send(open(domain));
        await("<stream:features");
        send("<iq xmlns='jabber:client' type='set' id='bind1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>"
                + resource + "</resource></bind></iq>");
        await("id=\"bind1\"");
    }

    public void authPlain(String user, String password) {
        String credentials = Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
        send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + credentials + "</auth>");
    }

    /** Closes the connection and stops the client's thread; closing again does nothing. */
    @Override
    public void close() {
        if (group.isShuttingDown()) {
            return;
        }
        try {
            channel.close().syncUninterruptibly();
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
