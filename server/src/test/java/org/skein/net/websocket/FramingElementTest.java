package org.skein.net.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FramingElementTest {

    private static ByteBuf text(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }

    private static String stream(FramingElement element) {
        return new String(element.streamBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void anOpenBecomesTheStreamHeaderWithItsAttributes() {
        FramingElement open = FramingElement.read(text(
                "<open xmlns=\"urn:ietf:params:xml:ns:xmpp-framing\" to=\"example.org\" version=\"1.0\" xml:lang=\"de\" from=\"a@example.org\"/>"));
        assertThat(open).isEqualTo(new FramingElement(true, "example.org", "a@example.org", "1.0", "de"));
        assertThat(stream(open)).isEqualTo("<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'"
                + " to='example.org' from='a@example.org' version='1.0' xml:lang='de'>");
    }

    @Test
    void attributeValuesAreEscapedAgain() {
        FramingElement open = FramingElement.read(text("<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='a&apos;&lt;b' version='1.0'/>"));
        assertThat(open.to()).isEqualTo("a'<b");
        assertThat(stream(open)).contains("to='a&apos;&lt;b'");
    }

    @Test
    void anOpenMayComeWithAnXmlDeclarationAndSpaces() {
        assertThat(FramingElement.read(text("<?xml version='1.0'?>\n<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' version='1.0'/>\n")))
                .isEqualTo(new FramingElement(true, null, null, "1.0", null));
    }

    @Test
    void aCloseBecomesTheEndTag() {
        FramingElement close = FramingElement.read(text("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>"));
        assertThat(close.open()).isFalse();
        assertThat(stream(close)).isEqualTo("</stream:stream>");
    }

    @Test
    void everythingElseIsLeftToTheStreamDecoder() {
        assertThat(FramingElement.read(text("<message xmlns='jabber:client'><body>hi</body></message>"))).isNull();
        assertThat(FramingElement.read(text("<open/>"))).as("no framing namespace").isNull();
        assertThat(FramingElement.read(text("<open xmlns='urn:ietf:params:xml:ns:xmpp-framing'><x/></open>"))).as("children").isNull();
        assertThat(FramingElement.read(text("<open xmlns='urn:ietf:params:xml:ns:xmpp-framing'/><open xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>")))
                .as("two elements").isNull();
        assertThat(FramingElement.read(text("<open xmlns='urn:ietf:params:xml:ns:xmpp-framing'/><!-- x -->"))).as("a comment").isNull();
        assertThat(FramingElement.read(text("<?xml version='1.0'?><!DOCTYPE open><open xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>")))
                .as("a DTD").isNull();
        assertThat(FramingElement.read(text("<open xmlns='urn:ietf:params:xml:ns:xmpp-framing'"))).as("cut").isNull();
        assertThat(FramingElement.read(text("<closet xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>"))).isNull();
    }

    @Test
    void theMessageIsNotConsumed() {
        ByteBuf message = text("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>");
        int readable = message.readableBytes();
        FramingElement.read(message);
        assertThat(message.readableBytes()).isEqualTo(readable);
        message.release();
    }
}
