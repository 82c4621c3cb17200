package org.skein.hazelcast.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.skein.routing.Addressing;

class BatchCodecTest {

    private static QueuedStanza stanza(String to, String xml) {
        return new QueuedStanza(to, xml.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aBatchReadsBackAsItWasWrittenInOrder() {
        List<QueuedStanza> stanzas = List.of(stanza("bob@example.org/phone", "<message><body>one</body></message>"),
                stanza("bøb@example.org/ü", "<message><body>zwei – 二</body></message>"),
                stanza("carol@example.org/x", ""));

        List<QueuedStanza> read = BatchCodec.decode(BatchCodec.encode(stanzas));

        assertThat(read).extracting(q -> q.recipients().get(0)).containsExactly("bob@example.org/phone", "bøb@example.org/ü",
                "carol@example.org/x");
        assertThat(read).extracting(s -> new String(s.xml(), StandardCharsets.UTF_8))
                .containsExactly("<message><body>one</body></message>", "<message><body>zwei – 二</body></message>", "");
    }

    @Test
    void badBytesGiveAClearErrorAndNoHugeAllocation() {
        byte[] good = BatchCodec.encode(List.of(stanza("bob@example.org/phone", "<message/>")));

        assertThatThrownBy(() -> BatchCodec.decode(null)).hasMessageContaining("no batch bytes");
        assertThatThrownBy(() -> BatchCodec.decode(new byte[0])).hasMessageContaining("wrong magic number");
        assertThatThrownBy(() -> BatchCodec.decode("<message/>".getBytes(StandardCharsets.UTF_8))).hasMessageContaining("wrong magic");
        assertThatThrownBy(() -> BatchCodec.decode(Arrays.copyOf(good, good.length - 3))).hasMessageContaining("claims");
        assertThatThrownBy(() -> BatchCodec.decode(Arrays.copyOf(good, good.length + 2))).hasMessageContaining("after its 1 entries");
        byte[] lyingCount = ByteBuffer.allocate(8).putInt(BatchCodec.MAGIC).putInt(Integer.MAX_VALUE).array();
        assertThatThrownBy(() -> BatchCodec.decode(lyingCount)).hasMessageContaining("claims 2147483647 entries");
        byte[] lyingLength = good.clone();
        ByteBuffer.wrap(lyingLength).putInt(13, Integer.MAX_VALUE);
        assertThatThrownBy(() -> BatchCodec.decode(lyingLength)).hasMessageContaining("recipient of entry 0 claims 2147483647 bytes");
        ByteBuffer.wrap(lyingLength).putInt(13, -1);
        assertThatThrownBy(() -> BatchCodec.decode(lyingLength)).isInstanceOf(IllegalArgumentException.class);
        byte[] lyingRecipients = good.clone();
        ByteBuffer.wrap(lyingRecipients).putInt(8, QueuedStanza.MAX_RECIPIENTS + 1);
        assertThatThrownBy(() -> BatchCodec.decode(lyingRecipients)).hasMessageContaining("claims 1001 recipients");
        byte[] badAddressing = good.clone();
        badAddressing[12] = 9;
        assertThatThrownBy(() -> BatchCodec.decode(badAddressing)).hasMessageContaining("no addressing 9");
    }

    @Test
    void anEntryForManyRecipientsKeepsItsPlaceBetweenEntriesForOne() {
        List<QueuedStanza> stanzas = List.of(stanza("bob@example.org/phone", "<message><body>before</body></message>"),
                new QueuedStanza(List.of("c1@example.org/a", "c2@example.org/b", "c3@example.org/c"), Addressing.TO_BARE,
                        "<presence/>".getBytes(StandardCharsets.UTF_8)),
                stanza("bob@example.org/phone", "<message><body>after</body></message>"));

        List<QueuedStanza> read = BatchCodec.decode(BatchCodec.encode(stanzas));

        assertThat(read).extracting(QueuedStanza::recipients).containsExactly(List.of("bob@example.org/phone"),
                List.of("c1@example.org/a", "c2@example.org/b", "c3@example.org/c"), List.of("bob@example.org/phone"));
        assertThat(read).extracting(QueuedStanza::addressing).containsExactly(Addressing.AS_IS, Addressing.TO_BARE, Addressing.AS_IS);
        assertThat(new String(read.get(1).xml(), StandardCharsets.UTF_8)).isEqualTo("<presence/>");
    }
}
