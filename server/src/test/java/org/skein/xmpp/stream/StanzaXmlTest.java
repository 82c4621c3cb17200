package org.skein.xmpp.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.dom4j.DocumentHelper;
import org.dom4j.Element;
import org.dom4j.Namespace;
import org.dom4j.QName;
import org.junit.jupiter.api.Test;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.Message;
import org.xmpp.packet.Presence;

/** The fast serializer writes what dom4j writes, for stanzas as clients send them and as the server builds them. */
class StanzaXmlTest {

    private static final String[] STANZAS = {
        "<message to='b@x/r' type='chat' id='1'><body>hello</body></message>",
        "<message to='b@x' xml:lang='en'><body xml:lang='de'>a &amp; b &lt;c&gt; \"q\" 'a' \t tab\nline\r</body></message>",
        "<message to='b@x' id='&quot;&amp;&lt;&gt;&apos;'><body/><thread parent='p'>t</thread></message>",
        "<message to='b@x'><body>\u00e9\u4e2d\ud83d\ude00</body><x xmlns='jabber:x:oob'><url>http://e/?a=1&amp;b=2</url></x></message>",
        "<message to='b@x'><received xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>"
            + "<message xmlns='jabber:client' to='c@x' from='d@x/r'><body>inner</body></message></forwarded></received></message>",
        "<message to='b@x'><foo:bar xmlns:foo='urn:foo' foo:attr='v'><foo:baz/><plain/></foo:bar></message>",
        "<message to='b@x' xmlns:a='urn:a'><a:x a:y='1'/><z xmlns=''>no namespace</z></message>",
        "<iq type='set' id='i'><query xmlns='jabber:iq:roster'><item jid='c@x' name='C &amp; D'><group>G</group></item></query></iq>",
        "<presence><show>away</show><status>out</status><c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='n' ver='v='/></presence>",
        "<message to='b@x'><body><![CDATA[<not markup> & such]]></body></message>",
        "<message to='b@x'><html xmlns='http://jabber.org/protocol/xhtml-im'><body xmlns='http://www.w3.org/1999/xhtml'>"
            + "<p>mixed <b>bold</b> text</p></body></html></message>",
    };

    @Test
    void writesWhatDom4jWritesForStanzasFromAClientStream() {
        List<Element> elements = decode(STANZAS);
        assertThat(elements).hasSize(STANZAS.length);
        for (Element element : elements) {
            assertThat(StanzaXml.toXml(element)).isEqualTo(element.asXML());
        }
    }

    @Test
    void writesWhatDom4jWritesForStanzasReadBackFromText() {
        for (String stanza : STANZAS) {
            Element element = StanzaParser.parseElement(stanza.replaceFirst(">", " xmlns='jabber:client'>"));
            assertThat(StanzaXml.toXml(element)).as(stanza).isEqualTo(element.asXML());
        }
    }

    @Test
    void writesWhatDom4jWritesForStanzasTheServerBuilds() {
        Message message = new Message();
        message.setTo(new JID("b@x/r"));
        message.setFrom(new JID("a@x/r"));
        message.setType(Message.Type.chat);
        message.setBody("a < b & \"c\"");
        message.addChildElement("stanza-id", "urn:xmpp:sid:0").addAttribute("id", "s1").addAttribute("by", "b@x");
        Presence presence = new Presence(Presence.Type.unavailable);
        presence.setFrom(new JID("a@x/r"));
        IQ iq = new IQ(IQ.Type.result, "id1");
        iq.setChildElement("query", "jabber:iq:version").addElement("name").setText("Skein");
        Element prefixed = DocumentHelper.createElement(QName.get("message", "jabber:client"));
        prefixed.addElement(QName.get("event", Namespace.get("ps", "http://jabber.org/protocol/pubsub#event")))
                .addElement(QName.get("items", Namespace.get("ps", "http://jabber.org/protocol/pubsub#event"))).addAttribute("node", "n");
        prefixed.addElement(QName.get("other", Namespace.get("ps", "urn:different"))).addAttribute(
                QName.get("flag", Namespace.get("f", "urn:flag")), "1");
        for (Element element : List.of(message.getElement(), presence.getElement(), iq.getElement(), prefixed)) {
            assertThat(StanzaXml.toXml(element)).isEqualTo(element.asXML());
        }
        assertThat(StanzaXml.toXml(message)).isEqualTo(message.toXML());
    }

    @Test
    void leavesWhatAStanzaNeverHoldsToDom4j() {
        Element element = DocumentHelper.createElement("message");
        element.addElement("body").addComment("a comment").addText("text");
        element.addProcessingInstruction("target", "data");
        assertThat(StanzaXml.toXml(element)).isEqualTo(element.asXML());
    }

    private static List<Element> decode(String... stanzas) {
        EmbeddedChannel channel = new EmbeddedChannel(new XmlStreamDecoder(1 << 20));
        StringBuilder stream = new StringBuilder("<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='x'>");
        for (String stanza : stanzas) {
            stream.append(stanza);
        }
        channel.writeInbound(Unpooled.copiedBuffer(stream, StandardCharsets.UTF_8));
        List<Element> elements = new ArrayList<>();
        Object event;
        while ((event = channel.readInbound()) != null) {
            if (event instanceof Element element) {
                elements.add(element);
            }
        }
        channel.finishAndReleaseAll();
        return elements;
    }
}
