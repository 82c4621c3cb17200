package org.skein.hazelcast.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

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

        assertThat(read).extracting(QueuedStanza::recipient).containsExactly("bob@example.org/phone", "bøb@example.org/ü",
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
        assertThatThrownBy(() -> BatchCodec.decode(Arrays.copyOf(good, good.length + 2))).hasMessageContaining("after its 1 stanzas");
        byte[] lyingCount = ByteBuffer.allocate(8).putInt(BatchCodec.MAGIC).putInt(Integer.MAX_VALUE).array();
        assertThatThrownBy(() -> BatchCodec.decode(lyingCount)).hasMessageContaining("claims 2147483647 stanzas");
        byte[] lyingLength = good.clone();
        ByteBuffer.wrap(lyingLength).putInt(8, Integer.MAX_VALUE);
        assertThatThrownBy(() -> BatchCodec.decode(lyingLength)).hasMessageContaining("recipient 0 claims 2147483647 bytes");
        ByteBuffer.wrap(lyingLength).putInt(8, -1);
        assertThatThrownBy(() -> BatchCodec.decode(lyingLength)).isInstanceOf(IllegalArgumentException.class);
    }
}
