package org.skein.xmpp.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.xmpp.packet.Message;

/** Stanzas read back from storage or received from another node are held to the same rules as a client's stream. */
class StanzaParserTest {

    @Test
    void readsAMessage() {
        Message message = (Message) StanzaParser.parsePacket("<message xmlns='jabber:client' to='a@b'><body>h\u00e9</body></message>");
        assertThat(message.getBody()).isEqualTo("h\u00e9");
    }

    @Test
    void refusesCharactersXmlForbids() {
        for (String bad : new String[] {"&#0;", "&#1;", "&#xFFFE;", "\u0000", "\u0001"}) {
            assertThatThrownBy(() -> StanzaParser.parsePacket("<message><body>" + bad + "</body></message>"))
                    .as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void refusesNestingAndAttributesBeyondTheCeiling() {
        int depth = StanzaLimits.CEILING.maxDepth();
        assertThat(StanzaParser.parseElement("<message>" + "<a>".repeat(depth - 1) + "</a>".repeat(depth - 1) + "</message>"))
                .isNotNull();
        assertThatThrownBy(() -> StanzaParser.parseElement("<message>" + "<a>".repeat(depth) + "</a>".repeat(depth) + "</message>"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nested deeper");
        assertThatThrownBy(() -> StanzaParser.parseElement("<message>" + "<a>".repeat(30_000) + "</a>".repeat(30_000) + "</message>"))
                .isInstanceOf(IllegalArgumentException.class);
        StringBuilder attributes = new StringBuilder("<message");
        for (int i = 0; i <= StanzaLimits.CEILING.maxAttributes(); i++) {
            attributes.append(" a").append(i).append("='x'");
        }
        assertThatThrownBy(() -> StanzaParser.parseElement(attributes + "/>")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("attributes");
    }
}
