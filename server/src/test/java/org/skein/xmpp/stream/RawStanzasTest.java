package org.skein.xmpp.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.Message;

class RawStanzasTest {

    private static boolean check(String xml) {
        return RawStanzas.deliverableAsIs(xml.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void messagesAndIqsAsAPacketWritesThemMayBeDeliveredAsTheyAre() {
        Message message = new Message();
        message.setTo(new JID("bob@example.org/phone"));
        message.setFrom(new JID("alice@example.org/desk"));
        message.setBody("h\u00e9llo <&> \ud83d\ude00 \"quoted\"");
        IQ ping = new IQ(IQ.Type.get);
        ping.setChildElement("ping", "urn:xmpp:ping");

        assertThat(check(message.toXML())).isTrue();
        assertThat(check(ping.toXML())).isTrue();
        assertThat(check("<iq type='result' id='1'/>")).isTrue();
    }

    @Test
    void presencesAndOtherElementsAreParsed() {
        assertThat(check("<presence from='a@b/c'/>")).isFalse();
        assertThat(check("<messages/>")).isFalse();
        assertThat(check("<x:message xmlns:x='jabber:client'/>")).isFalse();
        assertThat(check("<iqx/>")).isFalse();
    }

    @Test
    void anythingNotWellFormedIsRefused() {
        assertThat(check("<message to='b@c'><body>unclosed \uFFFE <<<")).isFalse();
        assertThat(check("<message><body>x</body></message><message/>")).isFalse();
        assertThat(check("<message><body>&undeclared;</body></message>")).isFalse();
        assertThat(check("<message><y:body>x</y:body></message>")).as("an undeclared prefix").isFalse();
        assertThat(check("<message/>trailing")).isFalse();
        assertThat(check("")).isFalse();
        byte[] badUtf8 = "<message><body>xx</body></message>".getBytes(StandardCharsets.UTF_8);
        badUtf8[15] = (byte) 0xC3; // a lead byte followed by an ASCII byte
        assertThat(RawStanzas.deliverableAsIs(badUtf8)).isFalse();
    }

    @Test
    void aDocumentTypeDeclarationIsRefused() {
        assertThat(check("<!DOCTYPE message [<!ENTITY e 'x'>]><message>&e;</message>")).isFalse();
        assertThat(check("<message><!DOCTYPE x></message>")).isFalse();
    }

    @Test
    void overlongAndOutOfRangeUtf8IsRefused() {
        for (int[] sequence : new int[][] {{0xC0, 0x80}, {0xC0, 0xBC}, {0xE0, 0x80, 0x80}, {0xF4, 0x90, 0x80, 0x80}, {0xF0, 0x80, 0x80, 0x80}}) {
            byte[] head = "<message><body>".getBytes(StandardCharsets.UTF_8);
            byte[] tail = "</body></message>".getBytes(StandardCharsets.UTF_8);
            byte[] all = new byte[head.length + sequence.length + tail.length];
            System.arraycopy(head, 0, all, 0, head.length);
            for (int i = 0; i < sequence.length; i++) {
                all[head.length + i] = (byte) sequence[i];
            }
            System.arraycopy(tail, 0, all, head.length + sequence.length, tail.length);
            assertThat(RawStanzas.deliverableAsIs(all)).as("bytes %s", java.util.Arrays.toString(sequence)).isFalse();
        }
    }

    @Test
    void stanzasBeyondTheCeilingOfNestingOrAttributesAreRefused() {
        int depth = StanzaLimits.CEILING.maxDepth() + 1;
        String deep = "<message>" + "<a>".repeat(depth - 1) + "</a>".repeat(depth - 1) + "</message>";
        assertThat(check(deep)).isFalse();
        assertThat(check("<message>" + "<a>".repeat(depth - 2) + "</a>".repeat(depth - 2) + "</message>")).isTrue();
        StringBuilder attributes = new StringBuilder("<message");
        for (int i = 0; i <= StanzaLimits.CEILING.maxAttributes(); i++) {
            attributes.append(" a").append(i).append("='x'");
        }
        assertThat(check(attributes + "/>")).isFalse();
    }
}
