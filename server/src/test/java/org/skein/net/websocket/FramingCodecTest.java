package org.skein.net.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.timeout.IdleStateEvent;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.dom4j.Element;
import org.junit.jupiter.api.Test;
import org.skein.xmpp.stream.StreamEnd;
import org.skein.xmpp.stream.StreamFault;
import org.skein.xmpp.stream.StreamHeader;
import org.skein.xmpp.stream.XmlStreamDecoder;

/** The framing codec on an embedded channel, with the real XML stream decoder behind it. */
class FramingCodecTest {

    private final List<String> events = new CopyOnWriteArrayList<>();
    private boolean encrypted;
    private InetSocketAddress forwardedAddress;

    private static WebSocketSettings settings(boolean trustProxyHeaders) {
        return new WebSocketSettings(true, "127.0.0.1", 0, 0, "/xmpp-websocket", Set.of(), "", trustProxyHeaders, Duration.ofSeconds(10));
    }

    private EmbeddedChannel channel(boolean trustProxyHeaders, boolean tlsEndpoint) {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.freezeTime();
        channel.pipeline().addLast(new FramingCodec(settings(trustProxyHeaders), tlsEndpoint, 1024, (ch, secure, address) -> {
            encrypted = secure;
            forwardedAddress = address;
            ch.pipeline().addLast(new XmlStreamDecoder(1024), new Recorder());
        }));
        return channel;
    }

    private final class Recorder extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof StreamHeader h) {
                events.add("header to=" + h.to() + " version=" + h.version() + " ns=" + h.defaultNamespace());
            } else if (msg instanceof Element e) {
                events.add("element " + e.getName() + " " + e.getNamespaceURI());
            } else if (msg instanceof StreamEnd) {
                events.add("end");
            } else if (msg instanceof StreamFault f) {
                events.add("fault " + f.condition().toXMPP());
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent) {
                events.add("idle");
            }
        }
    }

    private static void handshake(EmbeddedChannel channel, HttpHeaders headers) {
        channel.pipeline().fireUserEventTriggered(new WebSocketServerProtocolHandler.HandshakeComplete("/xmpp-websocket", headers, "xmpp"));
    }

    private static TextWebSocketFrame text(String s) {
        return new TextWebSocketFrame(s);
    }

    @Test
    void framesBecomeTheEventsOfOneXmlStream() {
        EmbeddedChannel channel = channel(false, false);
        handshake(channel, new DefaultHttpHeaders());
        channel.writeInbound(text("<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='example.org' version='1.0'/>"));
        channel.writeInbound(text("<message xmlns='jabber:client'><body>1</body></message>"));
        channel.writeInbound(text("<presence/>"));
        channel.writeInbound(text("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>"));
        assertThat(events).containsExactly("header to=example.org version=1.0 ns=jabber:client", "element message jabber:client",
                "element presence jabber:client", "end");
        assertThat(encrypted).isFalse();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void nothingIsDecodedBeforeTheHandshakeAndAnUnfinishedHandshakeIsClosed() {
        EmbeddedChannel channel = channel(false, false);
        channel.advanceTimeBy(9, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).isTrue();
        channel.advanceTimeBy(2, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).isFalse();
        assertThat(events).isEmpty();
    }

    @Test
    void aMessageThatEndsInsideAnElementIsAFault() {
        EmbeddedChannel channel = channel(false, false);
        handshake(channel, new DefaultHttpHeaders());
        channel.writeInbound(text("<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='example.org' version='1.0'/>"));
        channel.writeInbound(text("<message xmlns='jabber:client'><body>"));
        channel.writeInbound(text("</body></message>"));
        assertThat(events).containsExactly("header to=example.org version=1.0 ns=jabber:client", "fault not-well-formed");
        channel.finishAndReleaseAll();
    }

    @Test
    void aBinaryMessageIsAFaultAndNothingMoreIsRead() {
        EmbeddedChannel channel = channel(false, false);
        handshake(channel, new DefaultHttpHeaders());
        channel.writeInbound(text("<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='example.org' version='1.0'/>"));
        channel.writeInbound(new BinaryWebSocketFrame(Unpooled.copiedBuffer("<presence/>", StandardCharsets.UTF_8)));
        channel.writeInbound(text("<presence/>"));
        assertThat(events).containsExactly("header to=example.org version=1.0 ns=jabber:client", "fault unsupported-encoding");
        channel.finishAndReleaseAll();
    }

    @Test
    void eachWriteBecomesATextMessageAndStanzasGetTheirNamespace() {
        EmbeddedChannel channel = channel(false, false);
        handshake(channel, new DefaultHttpHeaders());
        channel.writeOutbound(Unpooled.copiedBuffer("<message to='a@b'><body>x</body></message>", StandardCharsets.UTF_8));
        channel.writeOutbound(Unpooled.copiedBuffer("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>", StandardCharsets.UTF_8));
        TextWebSocketFrame first = channel.readOutbound();
        TextWebSocketFrame second = channel.readOutbound();
        assertThat(first.text()).isEqualTo("<message xmlns='jabber:client' to='a@b'><body>x</body></message>");
        assertThat(second.text()).isEqualTo("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
        first.release();
        second.release();
        channel.finishAndReleaseAll();
    }

    @Test
    void theFirstIdlePeriodSendsAPingAndTheSecondReachesTheStream() {
        EmbeddedChannel channel = channel(false, false);
        handshake(channel, new DefaultHttpHeaders());
        channel.pipeline().fireUserEventTriggered(IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT);
        Object ping = channel.readOutbound();
        assertThat(ping).isInstanceOf(PingWebSocketFrame.class);
        assertThat(events).isEmpty();
        channel.pipeline().fireUserEventTriggered(IdleStateEvent.READER_IDLE_STATE_EVENT);
        assertThat(events).containsExactly("idle");
        ((PingWebSocketFrame) ping).release();
        channel.finishAndReleaseAll();
    }

    @Test
    void proxyHeadersCountOnlyWhenTrusted() {
        HttpHeaders headers = new DefaultHttpHeaders().add("X-Forwarded-For", "198.51.100.7, 203.0.113.9").add("X-Forwarded-Proto", "https");
        EmbeddedChannel trusting = channel(true, false);
        handshake(trusting, headers);
        assertThat(encrypted).isTrue();
        assertThat(forwardedAddress.getAddress().getHostAddress()).as("the address the nearest proxy saw").isEqualTo("203.0.113.9");
        trusting.finishAndReleaseAll();

        EmbeddedChannel distrusting = channel(false, false);
        handshake(distrusting, headers);
        assertThat(encrypted).isFalse();
        assertThat(forwardedAddress).isNull();
        distrusting.finishAndReleaseAll();

        EmbeddedChannel tls = channel(false, true);
        handshake(tls, new DefaultHttpHeaders());
        assertThat(encrypted).as("wss").isTrue();
        tls.finishAndReleaseAll();

        EmbeddedChannel twoLines = channel(true, false);
        handshake(twoLines, new DefaultHttpHeaders().add("X-Forwarded-For", "10.9.9.9").add("X-Forwarded-For", "192.0.2.44"));
        assertThat(forwardedAddress.getAddress().getHostAddress()).as("a proxy's own header line").isEqualTo("192.0.2.44");
        twoLines.finishAndReleaseAll();

        EmbeddedChannel garbage = channel(true, false);
        handshake(garbage, new DefaultHttpHeaders().add("X-Forwarded-For", "not-an-address"));
        assertThat(forwardedAddress).isNull();
        garbage.finishAndReleaseAll();
    }

}
