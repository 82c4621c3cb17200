package org.skein.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xmpp.packet.IQ;
import org.xmpp.packet.Message;
import org.xmpp.packet.Packet;

class MessageHoldTest {

    private final List<String> sent = new ArrayList<>();
    private final List<String> stored = new ArrayList<>();
    private boolean storageFull;
    private final MessageHold hold = new MessageHold("bob", (user, message) -> {
        if (storageFull) {
            return false;
        }
        stored.add(message.getBody());
        return true;
    }, packet -> sent.add(packet instanceof Message m ? m.getBody() : packet.getElement().getName()), 3, 100_000);

    private static Message message(String body, Message.Type type) {
        Message message = new Message();
        message.setType(type);
        message.setBody(body);
        return message;
    }

    private void deliver(Packet packet) {
        if (!hold.take(packet)) {
            sent.add(packet instanceof Message m ? m.getBody() : packet.getElement().getName());
        }
    }

    @Test
    void holdsChatAndNormalMessagesUntilTheyAreAppendedBehindTheStoredOnes() {
        deliver(message("1", Message.Type.chat));
        deliver(message("h", Message.Type.headline));
        deliver(new IQ(IQ.Type.get));
        deliver(message("2", Message.Type.normal));
        assertThat(sent).containsExactly("h", "iq");
        hold.beginDraining();
        assertThat(stored).containsExactly("1", "2");
        deliver(message("3", Message.Type.chat));
        assertThat(stored).containsExactly("1", "2", "3");
        assertThat(hold.finishDraining(() -> false)).as("more is stored").isFalse();
        assertThat(hold.finishDraining(() -> true)).isTrue();
        deliver(message("4", Message.Type.chat));
        assertThat(sent).containsExactly("h", "iq", "4");
        assertThat(hold.isLive()).isTrue();
    }

    @Test
    void aLiveHoldReopenedForMessagesFoundLaterKeepsNewOnesBehindThemAndOnlyOneDeliveryRuns() {
        assertThat(hold.reopen()).as("not live yet").isFalse();
        hold.release();
        assertThat(hold.reopen()).isTrue();
        assertThat(hold.reopen()).as("a delivery is under way").isFalse();
        deliver(message("5", Message.Type.chat));
        assertThat(stored).containsExactly("5");
        assertThat(sent).isEmpty();
        assertThat(hold.finishDraining(() -> true)).isTrue();
        deliver(message("6", Message.Type.chat));
        assertThat(sent).containsExactly("6");
    }

    @Test
    void aReleaseSendsWhatWaitsInOrderThenEverythingLive() {
        deliver(message("1", Message.Type.chat));
        deliver(message("2", Message.Type.chat));
        hold.release();
        deliver(message("3", Message.Type.chat));
        assertThat(sent).containsExactly("1", "2", "3");
        assertThat(stored).isEmpty();
    }

    @Test
    void tooManyWaitingMessagesEndTheHoldInOrder() {
        for (int i = 1; i <= 5; i++) {
            deliver(message(Integer.toString(i), Message.Type.chat));
        }
        assertThat(sent).containsExactly("1", "2", "3", "4", "5");
        assertThat(hold.isLive()).isTrue();
    }

    @Test
    void aFullStorageSendsLiveRatherThanLosingAMessage() {
        deliver(message("1", Message.Type.chat));
        storageFull = true;
        hold.beginDraining();
        deliver(message("2", Message.Type.chat));
        assertThat(sent).containsExactly("1", "2");
    }

    @Test
    void closingHandsBackWhatWaits() {
        deliver(message("1", Message.Type.chat));
        deliver(message("2", Message.Type.chat));
        assertThat(hold.close()).extracting(Message::getBody).containsExactly("1", "2");
        assertThat(sent).isEmpty();
    }
}
