package org.skein.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.dom4j.Element;
import org.junit.jupiter.api.Test;
import org.skein.session.ClientConnection;
import org.skein.session.StreamHandler;
import org.skein.xmpp.stream.StreamFault;
import org.skein.xmpp.stream.StreamHeader;
import org.skein.xmpp.stream.XmlStreamDecoder;

class C2sChannelHandlerTest {

    /** Writes down each event it gets, and the connection it was made for. */
    private static final class RecordingHandler implements StreamHandler {
        final List<String> events = new CopyOnWriteArrayList<>();
        ClientConnection connection;

        @Override
        public void onHeader(StreamHeader header) {
            events.add("header to=" + header.to());
        }

        @Override
        public void onElement(Element element) {
            events.add("element " + element.getName());
        }

        @Override
        public void onEnd() {
            events.add("end");
        }

        @Override
        public void onFault(StreamFault fault) {
            events.add("fault " + fault.condition().toXMPP());
        }

        @Override
        public void onIdle() {
            events.add("idle");
        }

        @Override
        public void onClosed() {
            events.add("closed");
        }
    }

    private final RecordingHandler handler = new RecordingHandler();
    private final ConnectionRegistry registry = new ConnectionRegistry();
    private final EmbeddedChannel channel = new EmbeddedChannel(new XmlStreamDecoder(4096),
            new C2sChannelHandler(new SerialExecutor(Runnable::run), null, connection -> {
                handler.connection = connection;
                return handler;
            }, registry));

    private void write(String text) {
        channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    }

    @Test
    void handsEveryStreamEventToTheStreamHandlerInOrder() {
        assertThat(registry.size()).isEqualTo(1);
        write("<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='localhost' version='1.0'>"
                + "<presence/><message/>");
        channel.pipeline().fireUserEventTriggered(IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT);
        write("<iq/></stream:stream>");
        channel.close();

        assertThat(handler.events).containsExactly("header to=localhost", "element presence", "element message", "idle",
                "element iq", "end", "closed");
        assertThat(registry.size()).isZero();
    }

    @Test
    void aFaultIsTheLastEventBeforeClose() {
        write("<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'><a></b>");
        write("<presence/>");
        assertThat(handler.events).containsExactly("header to=", "fault not-well-formed");
    }

    @Test
    void theConnectionWritesWhatTheLogicSendsAndClosesAfterAnError() {
        write("<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>");
        handler.connection.send("<hello/>");
        channel.runPendingTasks();
        assertThat(((io.netty.buffer.ByteBuf) channel.readOutbound()).toString(StandardCharsets.UTF_8)).isEqualTo("<hello/>");

        handler.connection.closeWithError(org.xmpp.packet.StreamError.Condition.policy_violation, "bye");
        channel.runPendingTasks();
        // the error and the end are written one after the other (a framed transport frames each)
        io.netty.buffer.ByteBuf error = channel.readOutbound();
        io.netty.buffer.ByteBuf end = channel.readOutbound();
        assertThat(error.toString(StandardCharsets.UTF_8) + end.toString(StandardCharsets.UTF_8))
                .startsWith("<stream:error><policy-violation").endsWith("</stream:stream>");
        error.release();
        end.release();
        assertThat(channel.isOpen()).isFalse();
        assertThat(handler.events).endsWith("closed");
    }

    @Test
    void readingStopsWhileParsedStanzasOfManyBytesWaitAndResumesWhenTheyAreProcessed() {
        java.util.List<Runnable> pool = new java.util.ArrayList<>();
        RecordingHandler slow = new RecordingHandler();
        EmbeddedChannel ch = new EmbeddedChannel(new XmlStreamDecoder(new org.skein.xmpp.stream.StanzaLimits(512 * 1024, 64, 64)),
                new C2sChannelHandler(new SerialExecutor(pool::add), null, connection -> slow, new ConnectionRegistry()));
        try {
            ch.writeInbound(Unpooled.copiedBuffer("<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>",
                    StandardCharsets.UTF_8));
            String big = "<message><body>" + "x".repeat(300 * 1024) + "</body></message>";
            for (int i = 0; i < 3; i++) {
                ch.writeInbound(Unpooled.copiedBuffer(big, StandardCharsets.UTF_8));
                assertThat(ch.config().isAutoRead()).as("after %d stanzas of 300 KiB", i + 1).isTrue();
            }
            ch.writeInbound(Unpooled.copiedBuffer(big, StandardCharsets.UTF_8));
            assertThat(ch.config().isAutoRead()).as("1.2 MB of parsed stanzas wait").isFalse();
            while (!pool.isEmpty()) {
                pool.remove(0).run();
            }
            assertThat(ch.config().isAutoRead()).isTrue();
            assertThat(slow.events).filteredOn(e -> e.startsWith("element")).hasSize(4);
        } finally {
            ch.finishAndReleaseAll();
        }
    }
}
