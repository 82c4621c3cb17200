package org.skein.net.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.xml.sax.InputSource;
import org.xmpp.packet.StreamError;

/** Every part of the stream the server writes on a WebSocket is a standalone, namespace-correct document (RFC 7395 3.3.3). */
class WebSocketFramingTest {

    private static final WebSocketFraming FRAMING = WebSocketFraming.INSTANCE;

    private static Element parse(String xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        return factory.newDocumentBuilder().parse(new InputSource(new StringReader(xml))).getDocumentElement();
    }

    @Test
    void theHeaderIsAnOpen() throws Exception {
        Element open = parse(FRAMING.header("example.org", "abc", "alice@example.org", "de"));
        assertThat(open.getNamespaceURI()).isEqualTo("urn:ietf:params:xml:ns:xmpp-framing");
        assertThat(open.getLocalName()).isEqualTo("open");
        assertThat(open.getAttribute("from")).isEqualTo("example.org");
        assertThat(open.getAttribute("id")).isEqualTo("abc");
        assertThat(open.getAttribute("to")).isEqualTo("alice@example.org");
        assertThat(open.getAttribute("version")).isEqualTo("1.0");
        assertThat(open.getAttributeNS("http://www.w3.org/XML/1998/namespace", "lang")).isEqualTo("de");
        assertThat(FRAMING.header("example.org", "abc", null, null)).doesNotContain(" to=").contains("xml:lang='en'");
    }

    @Test
    void featuresAndErrorsDeclareTheStreamPrefix() throws Exception {
        Element features = parse(FRAMING.features("<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>"));
        assertThat(features.getNamespaceURI()).isEqualTo("http://etherx.jabber.org/streams");
        assertThat(features.getLocalName()).isEqualTo("features");
        Element error = parse(FRAMING.error(StreamError.Condition.policy_violation, "too big <really>"));
        assertThat(error.getNamespaceURI()).isEqualTo("http://etherx.jabber.org/streams");
        assertThat(error.getElementsByTagNameNS("urn:ietf:params:xml:ns:xmpp-streams", "policy-violation").getLength()).isEqualTo(1);
        assertThat(error.getTextContent()).isEqualTo("too big <really>");
    }

    @Test
    void theEndIsAClose() throws Exception {
        Element close = parse(FRAMING.end());
        assertThat(close.getNamespaceURI()).isEqualTo("urn:ietf:params:xml:ns:xmpp-framing");
        assertThat(close.getLocalName()).isEqualTo("close");
        assertThat(FRAMING.offersStartTls()).isFalse();
    }
}
