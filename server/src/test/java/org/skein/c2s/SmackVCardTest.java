package org.skein.c2s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.jivesoftware.smack.XMPPException.XMPPErrorException;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.vcardtemp.VCardManager;
import org.jivesoftware.smackx.vcardtemp.packet.VCard;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;

/** vcard-temp (XEP-0054) on one node, with Smack's vCard manager. */
class SmackVCardTest {

    @Test
    void aUserSavesAVCardThatTheyAndOthersReadBack() throws Exception {
        try (NodeWithClients env = new NodeWithClients(Map.of())) {
            String alice = env.newUser();
            String bob = env.newUser();
            XMPPTCPConnection a = env.clients.login(alice, "secret", "phone");
            XMPPTCPConnection b = env.clients.login(bob, "secret", "desk");
            VCardManager aliceCards = VCardManager.getInstanceFor(a);

            VCard none = aliceCards.loadVCard();
            assertThat(none.getFirstName()).isNull();
            assertThat(none.getNickName()).isNull();

            VCard card = new VCard();
            card.setFirstName("Alice");
            card.setLastName("Liddell");
            card.setNickName("ally");
            card.setEmailHome("alice@example.com");
            card.setAvatar(new byte[] {1, 2, 3, 4, 5}, "image/png");
            aliceCards.saveVCard(card);

            VCard own = aliceCards.loadVCard();
            assertThat(own.getFirstName()).isEqualTo("Alice");
            assertThat(own.getNickName()).isEqualTo("ally");
            assertThat(own.getAvatar()).containsExactly(1, 2, 3, 4, 5);

            VCard seenByBob = VCardManager.getInstanceFor(b).loadVCard(JidCreate.entityBareFrom(env.jid(alice)));
            assertThat(seenByBob.getLastName()).isEqualTo("Liddell");
            assertThat(seenByBob.getEmailHome()).isEqualTo("alice@example.com");
            assertThat(seenByBob.getAvatarMimeType()).isEqualTo("image/png");

            card.setNickName("alice in wonderland");
            aliceCards.saveVCard(card);
            assertThat(VCardManager.getInstanceFor(b).loadVCard(JidCreate.entityBareFrom(env.jid(alice))).getNickName())
                    .isEqualTo("alice in wonderland");
        }
    }

    @Test
    void aMissingVCardAndAnUnknownUserGetTheSameErrorAndNobodyWritesAnothersVCard() throws Exception {
        try (NodeWithClients env = new NodeWithClients(Map.of())) {
            String alice = env.newUser();
            String bob = env.newUser();
            XMPPTCPConnection a = env.clients.login(alice, "secret", "phone");
            VCardManager cards = VCardManager.getInstanceFor(a);

            assertThatThrownBy(() -> cards.loadVCard(JidCreate.entityBareFrom(env.jid(bob))))
                    .isInstanceOfSatisfying(XMPPErrorException.class, e ->
                            assertThat(e.getStanzaError().getCondition()).isEqualTo(StanzaError.Condition.service_unavailable));
            assertThatThrownBy(() -> cards.loadVCard(JidCreate.entityBareFrom("nobody@" + env.node.xmppDomain())))
                    .isInstanceOfSatisfying(XMPPErrorException.class, e ->
                            assertThat(e.getStanzaError().getCondition()).isEqualTo(StanzaError.Condition.service_unavailable));

            RawIq forBob = new RawIq(IQ.Type.set, "vCard", "vcard-temp", "<FN>Not Bob</FN>", JidCreate.entityBareFrom(env.jid(bob)));
            assertThatThrownBy(() -> RawIq.send(a, forBob))
                    .isInstanceOfSatisfying(XMPPErrorException.class, e ->
                            assertThat(e.getStanzaError().getCondition()).isEqualTo(StanzaError.Condition.forbidden));
            assertThatThrownBy(() -> cards.loadVCard(JidCreate.entityBareFrom(env.jid(bob))))
                    .as("bob still has no vCard").isInstanceOf(XMPPErrorException.class);

            // a vCard set to one's own bare JID is one's own
            RawIq own = new RawIq(IQ.Type.set, "vCard", "vcard-temp", "<FN>Alice</FN>", JidCreate.entityBareFrom(env.jid(alice)));
            RawIq.send(a, own);
            assertThat(cards.loadVCard().getField("FN")).isEqualTo("Alice");
        }
    }

    @Test
    void aVCardOverTheLimitIsRefusedAndTheOldOneStaysAndAnEmptyOneRemovesIt() throws Exception {
        try (NodeWithClients env = new NodeWithClients(Map.of("vcard.maxSize", "2KiB"))) {
            String alice = env.newUser();
            String bob = env.newUser();
            XMPPTCPConnection a = env.clients.login(alice, "secret", "phone");
            XMPPTCPConnection b = env.clients.login(bob, "secret", "desk");
            VCardManager cards = VCardManager.getInstanceFor(a);
            VCard small = new VCard();
            small.setNickName("small");
            cards.saveVCard(small);

            VCard large = new VCard();
            large.setNickName("large");
            large.setAvatar(new byte[4096], "image/jpeg");
            assertThatThrownBy(() -> cards.saveVCard(large))
                    .isInstanceOfSatisfying(XMPPErrorException.class, e -> {
                        assertThat(e.getStanzaError().getCondition()).isEqualTo(StanzaError.Condition.not_acceptable);
                        assertThat(e.getStanzaError().getDescriptiveText()).contains("2048");
                    });
            assertThat(cards.loadVCard().getNickName()).isEqualTo("small");

            RawIq empty = new RawIq(IQ.Type.set, "vCard", "vcard-temp", "", null);
            RawIq.send(a, empty);
            assertThatThrownBy(() -> VCardManager.getInstanceFor(b).loadVCard(JidCreate.entityBareFrom(env.jid(alice))))
                    .isInstanceOfSatisfying(XMPPErrorException.class, e ->
                            assertThat(e.getStanzaError().getCondition()).isEqualTo(StanzaError.Condition.service_unavailable));
            assertThat(cards.loadVCard().getNickName()).isNull();
        }
    }
}
