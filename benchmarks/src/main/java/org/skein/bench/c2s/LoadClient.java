package org.skein.bench.c2s;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslContext;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A light raw XMPP client: opens a stream, optionally starts TLS, authenticates with SASL PLAIN,
 * binds a resource, sends initial presence, and then only counts what arrives: complete
 * {@code </message>} elements and {@code type="result"} IQs. No XML parsing after login, so the
 * client costs the machine little next to the node.
 */
final class LoadClient extends ChannelInboundHandlerAdapter {

    /** Called on the client's event loop with the number of messages (or IQ results) that arrived. */
    interface Listener {
        void received(LoadClient client, int messages, int results);
    }

    private enum Phase { FEATURES, PROCEED, SECURE_FEATURES, SUCCESS, BOUND_FEATURES, BIND, READY }

    private final String user;
    private final String password;
    private final String resource;
    private final String domain;
    private final SslContext tls;
    private final CompletableFuture<LoadClient> ready = new CompletableFuture<>();
    private final StringBuilder text = new StringBuilder();
    private final PatternCounter messages = new PatternCounter("</message>");
    private final PatternCounter results = new PatternCounter("type=\"result\"");
    private volatile Listener listener = (c, m, r) -> { };
    private volatile SequenceCheck sequence;
    private volatile BodyReader bodies;
    private Phase phase = Phase.FEATURES;
    private Channel channel;

    LoadClient(String user, String password, String resource, String domain, SslContext tls) {
        this.user = user;
        this.password = password;
        this.resource = resource;
        this.domain = domain;
        this.tls = tls;
    }

    CompletableFuture<LoadClient> ready() {
        return ready;
    }

    Channel channel() {
        return channel;
    }

    String jid() {
        return user + "@" + domain + "/" + resource;
    }

    /** Reads the number in each message body from now on, to count messages that arrive out of order. */
    SequenceCheck checkSequence() {
        SequenceCheck check = new SequenceCheck();
        sequence = check;
        return check;
    }

    /** Numbers in {@code <body>n</body>} as they arrive: how many, and how many came after a higher one. */
    static final class SequenceCheck {
        private final StringBuilder tail = new StringBuilder();
        private long highest = -1;
        volatile long seen;
        volatile long outOfOrder;

        void read(String text) {
            tail.append(text);
            int from = 0;
            while (true) {
                int open = tail.indexOf("<body>", from);
                int close = open < 0 ? -1 : tail.indexOf("</body>", open);
                if (close < 0) {
                    break;
                }
                long n = Long.parseLong(tail.substring(open + 6, close));
                if (n < highest) {
                    outOfOrder++;
                } else {
                    highest = n;
                }
                seen++;
                from = close + 7;
            }
            tail.delete(0, from);
        }
    }

    /** Hands the text of every {@code <body>} that arrives from now on to {@code reader}, on the client's event loop. */
    void readBodies(Consumer<String> reader) {
        bodies = new BodyReader(reader);
    }

    /** Cuts {@code <body>} texts out of what arrives (elements may be split across reads). */
    private static final class BodyReader {
        private final StringBuilder tail = new StringBuilder();
        private final Consumer<String> reader;

        BodyReader(Consumer<String> reader) {
            this.reader = reader;
        }

        void read(String text) {
            tail.append(text);
            int from = 0;
            while (true) {
                int open = tail.indexOf("<body>", from);
                int close = open < 0 ? -1 : tail.indexOf("</body>", open);
                if (close < 0) {
                    from = open < 0 ? Math.max(from, tail.length() - 6) : open;
                    break;
                }
                reader.accept(tail.substring(open + 6, close));
                from = close + 7;
            }
            tail.delete(0, from);
        }
    }

    void setListener(Listener listener) {
        this.listener = listener;
    }

    private String header() {
        return "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='"
                + domain + "' version='1.0'>";
    }

    private void send(ChannelHandlerContext ctx, String xml) {
        ctx.writeAndFlush(Unpooled.copiedBuffer(xml, StandardCharsets.UTF_8));
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        send(ctx, header());
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        try {
            if (phase == Phase.READY) {
                SequenceCheck check = sequence;
                if (check != null) {
                    check.read(buf.toString(StandardCharsets.UTF_8));
                }
                BodyReader reader = bodies;
                if (reader != null) {
                    reader.read(buf.toString(StandardCharsets.UTF_8));
                }
                int m = messages.count(buf);
                int r = results.count(buf);
                if (m > 0 || r > 0) {
                    listener.received(this, m, r);
                }
                return;
            }
            text.append(buf.toString(StandardCharsets.UTF_8));
            advance(ctx);
        } finally {
            buf.release();
        }
    }

    private void advance(ChannelHandlerContext ctx) {
        switch (phase) {
            case FEATURES:
                if (text.indexOf("</stream:features>") >= 0) {
                    text.setLength(0);
                    if (tls != null) {
                        phase = Phase.PROCEED;
                        send(ctx, "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
                    } else {
                        auth(ctx);
                    }
                }
                return;
            case PROCEED:
                if (text.indexOf("<proceed") >= 0) {
                    text.setLength(0);
                    phase = Phase.SECURE_FEATURES;
                    ctx.pipeline().addFirst("tls", tls.newHandler(ctx.alloc()));
                    send(ctx, header());
                }
                return;
            case SECURE_FEATURES:
                if (text.indexOf("</stream:features>") >= 0) {
                    text.setLength(0);
                    auth(ctx);
                }
                return;
            case SUCCESS:
                if (text.indexOf("<success") >= 0) {
                    text.setLength(0);
                    phase = Phase.BOUND_FEATURES;
                    send(ctx, header());
                } else if (text.indexOf("<failure") >= 0) {
                    ready.completeExceptionally(new IllegalStateException(user + " could not log in: " + text));
                    ctx.close();
                }
                return;
            case BOUND_FEATURES:
                if (text.indexOf("</stream:features>") >= 0) {
                    text.setLength(0);
                    phase = Phase.BIND;
                    send(ctx, "<iq type='set' id='bind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>" + resource
                            + "</resource></bind></iq>");
                }
                return;
            case BIND:
                if (text.indexOf("</iq>") >= 0) {
                    text.setLength(0);
                    text.trimToSize();
                    phase = Phase.READY;
                    send(ctx, "<presence/>");
                    ready.complete(this);
                }
                return;
            default:
        }
    }

    private void auth(ChannelHandlerContext ctx) {
        phase = Phase.SUCCESS;
        String credentials = Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
        send(ctx, "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + credentials + "</auth>");
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        ready.completeExceptionally(new IllegalStateException(user + "'s connection closed: " + text));
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ready.completeExceptionally(cause);
        ctx.close();
    }
}
