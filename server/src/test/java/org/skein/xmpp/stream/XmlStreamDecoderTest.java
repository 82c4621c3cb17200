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

    private void assertFault(StreamError.Condition condition) {
        List<Object> events = events();
        assertThat(events).isNotEmpty();
        Object last = events.get(events.size() - 1);
        assertThat(last).isInstanceOf(StreamFault.class);
        assertThat(((StreamFault) last).condition()).isEqualTo(condition);
    }
}
