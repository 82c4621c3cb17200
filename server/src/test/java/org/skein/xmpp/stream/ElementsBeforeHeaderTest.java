package org.skein.xmpp.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.dom4j.Element;
import org.junit.jupiter.api.Test;
import org.xmpp.packet.StreamError;

/**
 * Elements before a connection's first stream header. Smack 4.4/4.5 writes what it had queued while its
 * previous connection was closing (answers to roster pushes, acks) at the start of its next connection,
 * before the new header, when {@code disconnect()} and {@code connect()} are called on the same connection
 * object with stream management on (seen in SINT's {@code LowLevelRosterIntegrationTest}). A decoder with a
 * budget for them drops those elements and reads the stream; without one, or beyond it, the client gets
 * {@code invalid-namespace} naming the element.
 */
class ElementsBeforeHeaderTest {

    private static final String HEADER = "<stream:stream xmlns='jabber:client' to='localhost' "
            + "xmlns:stream='http://etherx.jabber.org/streams' version='1.0' from='alice@localhost' xml:lang='en'>";
    /** What Smack 4.5 wrote at the start of its new connection in the failed SINT run (its debugger's log). */
    private static final String SMACK_LEFTOVERS = "<iq id='push-8e4c34c3-9008' type='result'>\n</iq>"
            + "<r xmlns='urn:xmpp:sm:3'/><iq id='push-924316bb-2715' type='result'>\n</iq>";
    private static final String AFTER_HEADER = "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>";
    private static final int BUDGET = 1024;

    private static EmbeddedChannel channel(int budget) {
        return new EmbeddedChannel(new XmlStreamDecoder(new StanzaLimits(BUDGET, 16, 16), budget));
    }

    private static List<Object> events(EmbeddedChannel channel) {
        List<Object> events = new ArrayList<>();
        Object o;
        while ((o = channel.readInbound()) != null) {
            events.add(o);
        }
        return events;
    }

    private static ByteBuf bytes(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
    }

    private static void assertTheStreamBegins(List<Object> events) {
        assertThat(events).hasSize(2);
        assertThat(events.get(0)).isInstanceOf(StreamHeader.class);
        assertThat(((StreamHeader) events.get(0)).from()).isEqualTo("alice@localhost");
        assertThat(((Element) events.get(1)).getName()).isEqualTo("starttls");
    }

    private static StreamFault fault(List<Object> events) {
        assertThat(events).isNotEmpty();
        Object last = events.get(events.size() - 1);
        assertThat(last).isInstanceOf(StreamFault.class);
        return (StreamFault) last;
    }

    @Test
    void smacksLeftoversBeforeTheHeaderAreDroppedAndTheStreamBegins() {
        EmbeddedChannel channel = channel(BUDGET);
        channel.writeInbound(bytes(SMACK_LEFTOVERS + HEADER + AFTER_HEADER));
        assertTheStreamBegins(events(channel));
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void theLeftoversMaySplitAnywhereOverTwoReads() {
        String all = SMACK_LEFTOVERS + HEADER + AFTER_HEADER;
        byte[] bytes = all.getBytes(StandardCharsets.UTF_8);
        for (int cut = 0; cut <= bytes.length; cut++) {
            EmbeddedChannel channel = channel(BUDGET);
            channel.writeInbound(Unpooled.wrappedBuffer(bytes, 0, cut));
            channel.writeInbound(Unpooled.wrappedBuffer(bytes, cut, bytes.length - cut));
            List<Object> events = events(channel);
            assertThat(events).as("cut at %d", cut).hasSize(2);
            assertTheStreamBegins(events);
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void theLeftoversMayComeByteByByte() {
        EmbeddedChannel channel = channel(BUDGET);
        String all = SMACK_LEFTOVERS + HEADER + AFTER_HEADER;
        for (int i = 0; i < all.length(); i++) {
            channel.writeInbound(bytes(all.substring(i, i + 1)));
        }
        assertTheStreamBegins(events(channel));
        channel.finishAndReleaseAll();
    }

    @Test
    void theLeftoversMayComeInABufferOfManyParts() {
        EmbeddedChannel channel = channel(BUDGET);
        CompositeByteBuf composite = Unpooled.compositeBuffer();
        composite.addComponent(true, bytes(SMACK_LEFTOVERS.substring(0, 20)));
        composite.addComponent(true, bytes(SMACK_LEFTOVERS.substring(20) + HEADER));
        composite.addComponent(true, bytes(AFTER_HEADER));
        channel.writeInbound(composite);
        assertTheStreamBegins(events(channel));
        channel.finishAndReleaseAll();
    }

    @Test
    void withoutABudgetTheFirstElementMustBeTheHeaderAndTheFaultNamesIt() {
        EmbeddedChannel channel = channel(0);
        channel.writeInbound(bytes(SMACK_LEFTOVERS + HEADER));
        StreamFault fault = fault(events(channel));
        assertThat(fault.condition()).isEqualTo(StreamError.Condition.invalid_namespace);
        assertThat(fault.text()).contains("not <iq>");
        channel.finishAndReleaseAll();
    }

    @Test
    void moreThanTheBudgetIsAnInvalidNamespace() {
        EmbeddedChannel channel = channel(100);
        channel.writeInbound(bytes("<message xmlns='jabber:client'><body>" + "x".repeat(40) + "</body></message>"));
        assertThat(events(channel)).as("within the budget").isEmpty();
        channel.writeInbound(bytes("<message xmlns='jabber:client'><body>" + "x".repeat(60) + "</body></message>" + HEADER));
        StreamFault fault = fault(events(channel));
        assertThat(fault.condition()).isEqualTo(StreamError.Condition.invalid_namespace);
        assertThat(fault.text()).contains("<message xmlns='jabber:client'>").contains("more than 100 bytes");
        channel.finishAndReleaseAll();
    }

    @Test
    void aStreamInAnotherNamespaceIsStillAnInvalidNamespace() {
        EmbeddedChannel channel = channel(BUDGET);
        channel.writeInbound(bytes("<stream:stream xmlns='jabber:client' xmlns:stream='urn:wrong'>"));
        assertThat(fault(events(channel)).condition()).isEqualTo(StreamError.Condition.invalid_namespace);
        channel.finishAndReleaseAll();
    }

    @Test
    void anElementBeforeTheHeaderIsHeldToTheStanzaSizeLimitWhileItIsIncomplete() {
        EmbeddedChannel channel = channel(BUDGET);
        channel.writeInbound(bytes("<message><body>"));
        channel.writeInbound(bytes("x".repeat(2 * BUDGET)));
        assertThat(fault(events(channel)).condition()).isEqualTo(StreamError.Condition.policy_violation);
        channel.finishAndReleaseAll();
    }

    @Test
    void afterAStreamRestartTheHeaderMustComeFirst() {
        EmbeddedChannel channel = channel(BUDGET);
        XmlStreamDecoder decoder = channel.pipeline().get(XmlStreamDecoder.class);
        channel.writeInbound(bytes(HEADER + AFTER_HEADER));
        assertThat(events(channel)).hasSize(2);
        decoder.restart(); // as after TLS or SASL
        channel.writeInbound(bytes("<r xmlns='urn:xmpp:sm:3'/>" + HEADER));
        StreamFault fault = fault(events(channel));
        assertThat(fault.condition()).isEqualTo(StreamError.Condition.invalid_namespace);
        assertThat(fault.text()).contains("not <r xmlns='urn:xmpp:sm:3'>");
        channel.finishAndReleaseAll();
    }

    @Test
    void textBetweenDroppedElementsIsNotWellFormed() {
        EmbeddedChannel channel = channel(BUDGET);
        channel.writeInbound(bytes("<r xmlns='urn:xmpp:sm:3'/>hello" + HEADER));
        assertThat(fault(events(channel)).condition()).isEqualTo(StreamError.Condition.not_well_formed);
        channel.finishAndReleaseAll();
    }
}
