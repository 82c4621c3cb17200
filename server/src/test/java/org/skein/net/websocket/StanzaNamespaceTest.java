package org.skein.net.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StanzaNamespaceTest {

    private static String qualify(String xml) {
        ByteBuf in = Unpooled.copiedBuffer(xml, StandardCharsets.UTF_8);
        ByteBuf out = StanzaNamespace.qualify(ByteBufAllocator.DEFAULT, in);
        try {
            return out.toString(StandardCharsets.UTF_8);
        } finally {
            out.release();
            assertThat(in.refCnt()).as("the input is passed on or released").isZero();
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "<message to=\"a@b\"><body>x</body></message>|<message xmlns='jabber:client' to=\"a@b\"><body>x</body></message>",
            "<iq/>|<iq xmlns='jabber:client'/>",
            "<presence>|<presence xmlns='jabber:client'>",
            "<iq\ttype='get'/>|<iq xmlns='jabber:client'\ttype='get'/>",
            "<message id='xmlns=1' a=\"xmlns='x'\"/>|<message xmlns='jabber:client' id='xmlns=1' a=\"xmlns='x'\"/>",
            "<message xmlns:foo='urn:x' foo:a='1'/>|<message xmlns='jabber:client' xmlns:foo='urn:x' foo:a='1'/>",
    })
    void aStanzaWithoutNamespaceGetsJabberClient(String in, String out) {
        assertThat(qualify(in)).isEqualTo(out);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "<message xmlns=\"jabber:client\" to=\"a@b\"/>",
            "<iq type='result' xmlns = 'jabber:client'/>",
            "<messages/>",
            "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>",
            "<r xmlns='urn:xmpp:sm:3'/>",
            "<iq",
    })
    void anythingElseIsLeftAlone(String xml) {
        assertThat(qualify(xml)).isEqualTo(xml);
    }
}
