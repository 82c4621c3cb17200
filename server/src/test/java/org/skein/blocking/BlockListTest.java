package org.skein.blocking;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xmpp.packet.JID;

/** XEP-0191's JID matching (section 4, as XEP-0016) and the list's value semantics. */
class BlockListTest {

    private static boolean blocks(String item, String jid) {
        return BlockList.of(List.of(item)).blocks(new JID(jid));
    }

    @Test
    void aFullJidBlocksOnlyThatResource() {
        assertThat(blocks("bob@example.com/phone", "bob@example.com/phone")).isTrue();
        assertThat(blocks("bob@example.com/phone", "bob@example.com/desk")).isFalse();
        assertThat(blocks("bob@example.com/phone", "bob@example.com")).isFalse();
    }

    @Test
    void aBareJidBlocksEveryResource() {
        assertThat(blocks("bob@example.com", "bob@example.com")).isTrue();
        assertThat(blocks("bob@example.com", "bob@example.com/anything")).isTrue();
        assertThat(blocks("bob@example.com", "bobby@example.com")).isFalse();
        assertThat(blocks("bob@example.com", "example.com")).isFalse();
    }

    @Test
    void aDomainWithAResourceBlocksThatResourceOfTheDomainOnly() {
        assertThat(blocks("example.com/bot", "example.com/bot")).isTrue();
        assertThat(blocks("example.com/bot", "example.com")).isFalse();
        assertThat(blocks("example.com/bot", "bob@example.com/bot")).isTrue();
        assertThat(blocks("example.com/bot", "bob@example.com/phone")).isFalse();
    }

    @Test
    void aDomainBlocksItsUsersResourcesAndSubdomains() {
        assertThat(blocks("example.com", "example.com")).isTrue();
        assertThat(blocks("example.com", "bob@example.com/phone")).isTrue();
        assertThat(blocks("example.com", "example.com/bot")).isTrue();
        assertThat(blocks("example.com", "muc.example.com")).isTrue();
        assertThat(blocks("example.com", "room@conference.example.com/nick")).isTrue();
        assertThat(blocks("example.com", "example.org")).isFalse();
        assertThat(blocks("example.com", "notexample.com")).isFalse();
        assertThat(blocks("muc.example.com", "example.com")).isFalse();
    }

    @Test
    void anEmptyListBlocksNothingAndChangesMakeNewLists() {
        assertThat(BlockList.EMPTY.blocks(new JID("bob@example.com"))).isFalse();
        BlockList list = BlockList.EMPTY.with(List.of("b@x", "a@x"));
        assertThat(list.jids()).containsExactly("a@x", "b@x");
        assertThat(BlockList.EMPTY.isEmpty()).isTrue();
        assertThat(list.without(List.of("a@x", "c@x")).jids()).containsExactly("b@x");
        assertThat(list.without(List.of("a@x", "b@x"))).isEqualTo(BlockList.EMPTY);
        assertThat(list.getCachedSize()).isGreaterThan(BlockList.EMPTY.getCachedSize());
    }

    @Test
    void aListSurvivesSerializationAsAClusteredCacheStoresIt() throws Exception {
        BlockList list = BlockList.of(List.of("bob@example.com", "spam.example.org"));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(list);
            out.writeObject(BlockList.EMPTY);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            BlockList read = (BlockList) in.readObject();
            assertThat(read).isEqualTo(list);
            assertThat(read.blocks(new JID("x@spam.example.org"))).isTrue();
            assertThat(((BlockList) in.readObject()).isEmpty()).isTrue();
        }
    }
}
