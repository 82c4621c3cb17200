package org.skein.hazelcast.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.skein.cluster.NodeID;
import org.skein.hazelcast.config.ClusterSecret;

class DirectFramesTest {

    private static StanzaBatch batch() {
        return new StanzaBatch(NodeID.of("one"), "member-uuid", 7L << 32, 3, new StanzaBatch.Timing(123, 30_000_000_000L, 4_000_000_000L),
                "stanza bytes".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aBatchFrameReadsBackAsItWasWritten() {
        ByteBuf frame = DirectFrames.batch(ByteBufAllocator.DEFAULT, 42, batch());
        try {
            assertThat(frame.readByte()).isEqualTo(DirectFrames.BATCH);
            DirectFrames.Batch read = DirectFrames.readBatch(frame);
            assertThat(read.request()).isEqualTo(42);
            assertThat(read.batch().sender()).isEqualTo("one");
            assertThat(read.batch().epoch()).isEqualTo("member-uuid");
            assertThat(read.batch().stream()).isEqualTo(7L << 32);
            assertThat(read.batch().seq()).isEqualTo(3);
            assertThat(read.batch().timing()).isEqualTo(new StanzaBatch.Timing(123, 30_000_000_000L, 4_000_000_000L));
            assertThat(new String(read.batch().bytes(), StandardCharsets.UTF_8)).isEqualTo("stanza bytes");
        } finally {
            frame.release();
        }
    }

    @Test
    void aCutOrLyingBatchFrameIsRefusedWithWhatIsWrong() {
        ByteBuf frame = DirectFrames.batch(ByteBufAllocator.DEFAULT, 42, batch());
        ByteBuf cut = frame.slice(1, frame.readableBytes() - 5);
        assertThatThrownBy(() -> DirectFrames.readBatch(cut)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stanzas");
        ByteBuf lying = Unpooled.buffer().writeLong(1).writeInt(Integer.MAX_VALUE);
        assertThatThrownBy(() -> DirectFrames.readBatch(lying)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sender claims");
        frame.release();
    }

    @Test
    void beforeTheHandshakeOnlySmallFramesAreTakenAndAfterItBatchSizedOnes() {
        EmbeddedChannel stranger = new EmbeddedChannel(new DirectFrameDecoder());
        assertThatThrownBy(() -> stranger.writeInbound(Unpooled.buffer().writeInt(2_000_000).writeZero(16)))
                .isInstanceOf(CorruptedFrameException.class).hasMessageContaining("1 to 1024 allowed");
        stranger.finishAndReleaseAll();

        DirectFrameDecoder decoder = new DirectFrameDecoder();
        EmbeddedChannel peer = new EmbeddedChannel(decoder);
        decoder.allow(4_000_000);
        // a frame in two pieces comes out whole, once
        ByteBuf whole = Unpooled.buffer().writeInt(2_000_000).writeZero(2_000_000);
        peer.writeInbound(whole.readRetainedSlice(1000));
        assertThat((Object) peer.readInbound()).isNull();
        peer.writeInbound(whole);
        ByteBuf frame = peer.readInbound();
        assertThat(frame.readableBytes()).isEqualTo(2_000_000);
        frame.release();
        peer.finishAndReleaseAll();
    }

    @Test
    void onlyTheSameSecretAndTheSameCertificateGiveTheSameProof() {
        DirectHandshake ours = new DirectHandshake(ClusterSecret.of("the cluster's secret, 0123456789"));
        DirectHandshake theirs = new DirectHandshake(ClusterSecret.of("another cluster's secret, 0123"));
        byte[] client = DirectHandshake.nonce();
        byte[] server = DirectHandshake.nonce();
        byte[] certificate = DirectHandshake.nonce();
        byte[] proof = ours.proof("server", "one", "two", client, server, certificate);

        assertThat(ours.check(proof, "server", "one", "two", client, server, certificate)).isTrue();
        assertThat(theirs.check(proof, "server", "one", "two", client, server, certificate)).as("another secret").isFalse();
        assertThat(ours.check(proof, "client", "one", "two", client, server, certificate)).as("the other role").isFalse();
        assertThat(ours.check(proof, "server", "one", "two", client, DirectHandshake.nonce(), certificate)).as("a replay").isFalse();
        assertThat(ours.check(proof, "server", "one", "two", client, server, DirectHandshake.nonce())).as("another certificate").isFalse();
        assertThat(ours.check(proof, "server", "one", "three", client, server, certificate)).as("another node").isFalse();
    }
}
