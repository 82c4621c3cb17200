package org.skein.xmpp.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.dom4j.Element;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xmpp.packet.StreamError;

class XmlStreamDecoderTest {

    private static final String HEADER = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
            + "xmlns:stream='http://etherx.jabber.org/streams' to='localhost' version='1.0' xml:lang='en'>";

    private final XmlStreamDecoder decoder = new XmlStreamDecoder(1024);
    private final EmbeddedChannel channel = new EmbeddedChannel(decoder);

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    private void write(String text) {
        channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    }

    private List<Object> events() {
        List<Object> events = new ArrayList<>();
        Object o;
        while ((o = channel.readInbound()) != null) {
            events.add(o);
        }
        return events;
    }

    @Test
    void readsTheHeaderAndStanzas() {
        write(HEADER + "<message to='bob@localhost' id='1'><body>hi &amp; bye</body></message>");
        List<Object> events = events();
        assertThat(events).hasSize(2);
        StreamHeader header = (StreamHeader) events.get(0);
        assertThat(header.to()).isEqualTo("localhost");
        assertThat(header.version()).isEqualTo("1.0");
        assertThat(header.lang()).isEqualTo("en");
        assertThat(header.defaultNamespace()).isEqualTo("jabber:client");
        Element message = (Element) events.get(1);
        assertThat(message.getName()).isEqualTo("message");
        assertThat(message.getNamespaceURI()).isEqualTo("jabber:client");
        assertThat(message.attributeValue("to")).isEqualTo("bob@localhost");
        assertThat(message.elementText("body")).isEqualTo("hi & bye");
    }

    @Test
    void joinsAStanzaSplitOverManyReads() {
        String all = HEADER + "<iq type='get' id='a'><ping xmlns='urn:xmpp:ping'/></iq>";
        for (int i = 0; i < all.length(); i++) {
            write(all.substring(i, i + 1));
        }
        List<Object> events = events();
        assertThat(events).hasSize(2);
        Element iq = (Element) events.get(1);
        assertThat(iq.element("ping").getNamespaceURI()).isEqualTo("urn:xmpp:ping");
    }

    @Test
    void splitsManyStanzasInOneReadAndSkipsWhitespaceKeepalives() {
        write(HEADER);
        events();
        write(" \n <presence/>  <message><body>1</body></message>\n<message><body>2</body></message> ");
        List<Object> events = events();
        assertThat(events).hasSize(3).allMatch(e -> e instanceof Element);
        write("   \n\t ");
        assertThat(events()).isEmpty();
        write("</stream:stream>");
        assertThat(events()).containsExactly(StreamEnd.INSTANCE);
    }

    @Test
    void multiByteCharactersSplitAcrossReads() {
        byte[] bytes = (HEADER + "<message><body>héllo ☃ 😀</body></message>").getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) {
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        List<Object> events = events();
        assertThat(((Element) events.get(1)).elementText("body")).isEqualTo("héllo ☃ 😀");
    }

    @Test
    void refusesADoctype() {
        write("<?xml version='1.0'?><!DOCTYPE stream:stream><stream:stream xmlns='jabber:client' "
                + "xmlns:stream='http://etherx.jabber.org/streams'>");
        assertFault(StreamError.Condition.restricted_xml);
    }

    @Test
    void refusesEntityDeclarations() {
        write("<?xml version='1.0'?><!DOCTYPE foo [<!ENTITY lol 'lol'><!ENTITY lol2 '&lol;&lol;&lol;'>]>"
                + "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'><message>&lol2;</message>");
        List<Object> events = events();
        assertThat(events).hasSize(1);
        assertThat(((StreamFault) events.get(0)).condition()).isIn(StreamError.Condition.restricted_xml, StreamError.Condition.not_well_formed);
    }

    @Test
    void refusesAnUndeclaredEntity() {
        write(HEADER + "<message><body>&lol;</body></message>");
        List<Object> events = events();
        assertThat(events.get(events.size() - 1)).isInstanceOf(StreamFault.class);
    }

    @Test
    void refusesCommentsAndProcessingInstructions() {
        write(HEADER + "<!-- hello -->");
        assertFault(StreamError.Condition.restricted_xml);
    }

    @Test
    void refusesProcessingInstructions() {
        write(HEADER + "<?foo bar?>");
        assertFault(StreamError.Condition.restricted_xml);
    }

    @Test
    void notWellFormedXmlIsAFault() {
        write(HEADER + "<message><body>x</message>");
        assertFault(StreamError.Condition.not_well_formed);
        write("<presence/>");
        assertThat(events()).isEmpty();
    }

    @Test
    void aWrongStreamNamespaceIsAFault() {
        write("<stream:stream xmlns='jabber:client' xmlns:stream='urn:wrong'>");
        assertFault(StreamError.Condition.invalid_namespace);
    }

    @Test
    void anOversizedStanzaIsAPolicyViolationEvenBeforeItEnds() {
        write(HEADER + "<message><body>");
        events();
        write("x".repeat(2000));
        assertFault(StreamError.Condition.policy_violation);
    }

    @Test
    void anOversizedStanzaInOneReadIsAPolicyViolation() {
        write(HEADER + "<message><body>" + "x".repeat(1100) + "</body></message>");
        assertFault(StreamError.Condition.policy_violation);
    }

    @Test
    void manySmallStanzasDoNotAddUpToTheLimit() {
        write(HEADER);
        for (int i = 0; i < 100; i++) {
            write("<message><body>" + "x".repeat(500) + "</body></message>");
        }
        assertThat(events()).hasSize(101).noneMatch(e -> e instanceof StreamFault);
    }

    @Test
    void pausesAfterAuthUntilResumedAndDropsHeldBytesOnRestart() {
        write(HEADER + "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGEAYg==</auth><presence/>");
        List<Object> events = events();
        assertThat(events).hasSize(2);
        assertThat(decoder.isPaused()).isTrue();
        write("<message/>");
        assertThat(events()).isEmpty();
        decoder.resume();
        assertThat(events()).hasSize(2);

        write("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGEAYg==</auth><presence/>");
        assertThat(events()).hasSize(1);
        decoder.restart();
        write(HEADER + "<iq type='get' id='1'/>");
        events = events();
        assertThat(events).hasSize(2);
        assertThat(events.get(0)).isInstanceOf(StreamHeader.class);
        assertThat(((Element) events.get(1)).getName()).isEqualTo("iq");
    }

    @Test
    void keepsPrefixedAttributesAndNamespaces() {
        write(HEADER + "<message xml:lang='de' xmlns:x='urn:x'><x:foo x:bar='1'/></message>");
        Element message = (Element) events().get(1);
        assertThat(message.attributeValue(new org.dom4j.QName("lang", org.dom4j.Namespace.XML_NAMESPACE))).isEqualTo("de");
        assertThat(message.asXML()).contains("x:foo").contains("x:bar=\"1\"").contains("xmlns:x=\"urn:x\"");
    }

    private void writeBytes(String before, int[] bytes, String after) {
        byte[] head = before.getBytes(StandardCharsets.UTF_8);
        byte[] tail = after.getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[head.length + bytes.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        for (int i = 0; i < bytes.length; i++) {
            all[head.length + i] = (byte) bytes[i];
        }
        System.arraycopy(tail, 0, all, head.length + bytes.length, tail.length);
        channel.writeInbound(Unpooled.wrappedBuffer(all));
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"C0 80", "C0 BC", "C1 81", "E0 80 80", "E0 9F BF", "ED A0 80",
            "F0 80 80 80", "F0 8F BF BF", "F4 90 80 80", "F5 80 80 80", "FF", "80", "C3 28", "E2 82 28"})
    void invalidUtf8IsNotWellFormedAndStanzasBeforeItAreKept(String hex) {
        String[] parts = hex.split(" ");
        int[] bytes = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            bytes[i] = Integer.parseInt(parts[i], 16);
        }
        writeBytes(HEADER + "<presence/><message><body>a", bytes, "b</body></message><presence/>");
        List<Object> events = events();
        assertThat(events).hasSize(3);
        assertThat(((Element) events.get(1)).getName()).isEqualTo("presence");
        assertThat(((StreamFault) events.get(2)).condition()).isEqualTo(StreamError.Condition.not_well_formed);
        assertThat(((StreamFault) events.get(2)).text()).contains("UTF-8");
    }

    @Test
    void invalidUtf8SplitOverReadsIsFound() {
        write(HEADER);
        events();
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {'<', 'm', '>', (byte) 0xE0}));
        assertThat(events()).isEmpty();
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0x80, (byte) 0x80, '<', '/', 'm', '>'}));
        assertFault(StreamError.Condition.not_well_formed);
    }

    @Test
    void validFourByteAndBoundaryCharactersPass() {
        write(HEADER + "<message><body>\u007f \u0085 \ud7ff \ue000 \ufffd \ud800\udc00 \udbff\udfff</body></message>");
        List<Object> events = events();
        assertThat(events).hasSize(2);
        assertThat(((Element) events.get(1)).elementText("body")).isEqualTo("\u007f \u0085 \ud7ff \ue000 \ufffd \ud800\udc00 \udbff\udfff");
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "character {index}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"&#0;", "&#x0;", "&#1;", "&#x1F;", "&#xFFFE;", "&#xD800;", "\u0001", "\u001f"})
    void charactersXmlForbidsAreNotWellFormed(String text) {
        write(HEADER + "<message><body>" + text + "</body></message>");
        assertFault(StreamError.Condition.not_well_formed);
    }

    @Test
    void elementsNestedDeeperThanTheLimitArePolicyViolation() {
        XmlStreamDecoder limited = new XmlStreamDecoder(new StanzaLimits(1 << 20, 5, 64));
        EmbeddedChannel ch = new EmbeddedChannel(limited);
        try {
            ch.writeInbound(Unpooled.copiedBuffer(HEADER + "<message><a><b><c><d></d></c></b></a></message>", StandardCharsets.UTF_8));
            ch.writeInbound(Unpooled.copiedBuffer("<message><a><b><c><d><e/></d></c></b></a></message><presence/>", StandardCharsets.UTF_8));
            List<Object> events = new ArrayList<>();
            Object o;
            while ((o = ch.readInbound()) != null) {
                events.add(o);
            }
            assertThat(events).hasSize(3);
            assertThat(((Element) events.get(1)).getName()).isEqualTo("message");
            StreamFault fault = (StreamFault) events.get(2);
            assertThat(fault.condition()).isEqualTo(StreamError.Condition.policy_violation);
            assertThat(fault.text()).contains("nested deeper than 5");
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void moreAttributesThanTheLimitArePolicyViolation() {
        XmlStreamDecoder limited = new XmlStreamDecoder(new StanzaLimits(1 << 20, 64, 8));
        EmbeddedChannel ch = new EmbeddedChannel(limited);
        try {
            StringBuilder many = new StringBuilder("<message");
            for (int i = 0; i < 9; i++) {
                many.append(" a").append(i).append("='").append(i).append('\'');
            }
            ch.writeInbound(Unpooled.copiedBuffer(HEADER + "<message a='1' b='2' xmlns:x='urn:x'/>" + many + "/>", StandardCharsets.UTF_8));
            List<Object> events = new ArrayList<>();
            Object o;
            while ((o = ch.readInbound()) != null) {
                events.add(o);
            }
            assertThat(events).hasSize(3);
            StreamFault fault = (StreamFault) events.get(2);
            assertThat(fault.condition()).isEqualTo(StreamError.Condition.policy_violation);
            assertThat(fault.text()).contains("more than 8 attributes");
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    private void assertFault(StreamError.Condition condition) {
        List<Object> events = events();
        assertThat(events).isNotEmpty();
        Object last = events.get(events.size() - 1);
        assertThat(last).isInstanceOf(StreamFault.class);
        assertThat(((StreamFault) last).condition()).isEqualTo(condition);
    }
}
