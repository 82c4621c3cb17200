package org.skein.c2s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.csi.ClientStateIndicationManager;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;
import org.skein.session.LocalClientSession;
import org.xmpp.packet.JID;

/**
 * Client state indication (XEP-0352) with real Smack clients: while alice's client says it is inactive,
 * her contacts' presence updates wait on the server (only the newest of each), messages come at once;
 * when it says it is active the newest presence arrives.
 */
class SmackClientStateTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void presenceWaitsWhileInactiveMessagesDoNot() throws Exception {
        try (NodeWithClients node = new NodeWithClients(Map.of())) {
            String alice = node.newUser();
            String bob = node.newUser();
            ClusterFixtures.befriend(node.node, alice, bob);
            XMPPTCPConnection aliceClient = node.clients.login(alice, "secret", "phone");
            XMPPTCPConnection bobClient = node.clients.login(bob, "secret", "desk");
            assertThat(ClientStateIndicationManager.isSupported(aliceClient)).isTrue();
            JID aliceJid = new JID(aliceClient.getUser().toString());
            String bobFull = bobClient.getUser().toString();
            List<Presence> presences = ClusterFixtures.presences(aliceClient);
            List<Message> messages = new CopyOnWriteArrayList<>();
            aliceClient.addSyncStanzaListener(s -> messages.add((Message) s), StanzaTypeFilter.MESSAGE);
            LocalClientSession session = node.node.routingTable().localSession(aliceJid);

            ClientStateIndicationManager.inactive(aliceClient);
            await().atMost(WAIT).until(session::isInactive);
            presences.clear();
            for (String status : List.of("one", "two", "three")) {
                bobClient.sendStanza(bobClient.getStanzaFactory().buildPresenceStanza().setStatus(status).build());
            }
            await().atMost(WAIT).until(() -> session.heldPresenceCount() == 1);
            bobClient.sendStanza(bobClient.getStanzaFactory().buildMessageStanza().to(JidCreate.from(aliceJid.toString()))
                    .ofType(Message.Type.chat).setBody("at once").build());
            // the message came through; the presences, routed before it from the same node, did not
            await().atMost(WAIT).until(() -> messages.stream().anyMatch(m -> "at once".equals(m.getBody())));
            assertThat(presences).noneMatch(p -> p.getFrom().toString().equals(bobFull));

            ClientStateIndicationManager.active(aliceClient);
            await().atMost(WAIT).until(() -> presences.stream().anyMatch(p -> p.getFrom().toString().equals(bobFull)));
            assertThat(presences).filteredOn(p -> p.getFrom().toString().equals(bobFull)).extracting(Presence::getStatus)
                    .containsExactly("three");
            assertThat(session.heldPresenceCount()).isZero();

            bobClient.sendStanza(bobClient.getStanzaFactory().buildPresenceStanza().setStatus("four").build());
            await().atMost(WAIT).until(() -> presences.stream().anyMatch(p -> "four".equals(p.getStatus())));
        }
    }
}
