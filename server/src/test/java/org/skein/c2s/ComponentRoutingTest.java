package org.skein.c2s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jivesoftware.smack.XMPPException.XMPPErrorException;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.jivesoftware.smackx.disco.packet.DiscoverItems;
import org.jivesoftware.smackx.ping.PingManager;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;
import org.skein.component.ComponentRegistry;
import org.skein.component.LocalComponent;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.Packet;

/**
 * Services on domains of their own: a client's messages, presences and IQs to a component's domain
 * reach the component, which answers through the node's routers; the server lists it in disco#items.
 */
class ComponentRoutingTest {

    @Test
    void stanzasToAComponentsDomainReachItAndItsAnswersReachTheClient() throws Exception {
        // without the built-in services (publish-subscribe, group chat), so that the echo component is the only item
        try (NodeWithClients env = new NodeWithClients(Map.of("pubsub.enabled", "false", "muc.enabled", "false"))) {
            Echo echo = new Echo("echo.localhost", env);
            ComponentRegistry.Registration registration = env.node.components().add(echo);
            String alice = env.newUser();
            XMPPTCPConnection a = env.clients.login(alice, "secret", "phone");
            List<Message> inbox = ClusterFixtures.messages(a);
            List<Presence> presences = ClusterFixtures.presences(a);

            ClusterFixtures.send(a, "room@echo.localhost", Message.Type.chat, "hello");
            await().atMost(ClusterFixtures.WAIT).until(() -> ClusterFixtures.hasBody(inbox, "echo: hello"));
            assertThat(inbox.get(0).getFrom().toString()).isEqualTo("room@echo.localhost");

            a.sendStanza(a.getStanzaFactory().buildPresenceStanza().to(JidCreate.from("room@echo.localhost/alice")).build());
            await().atMost(ClusterFixtures.WAIT).until(() -> presences.stream()
                    .anyMatch(p -> "room@echo.localhost/alice".equals(String.valueOf(p.getFrom()))));

            assertThat(PingManager.getInstanceFor(a).ping(JidCreate.from("echo.localhost"))).isTrue();

            ServiceDiscoveryManager disco = ServiceDiscoveryManager.getInstanceFor(a);
            DiscoverItems items = disco.discoverItems(JidCreate.domainBareFrom("localhost"));
            assertThat(items.getItems()).extracting(i -> i.getEntityID().toString()).containsExactly("echo.localhost");
            assertThat(items.getItems().get(0).getName()).isEqualTo("Echo");

            // the available presence sent to the component is directed presence: logging out tells it
            a.disconnect();
            await().atMost(ClusterFixtures.WAIT).until(() -> echo.received.stream()
                    .anyMatch(p -> p instanceof org.xmpp.packet.Presence
                            && ((org.xmpp.packet.Presence) p).getType() == org.xmpp.packet.Presence.Type.unavailable));

            registration.close();
            XMPPTCPConnection again = env.clients.login(alice, "secret", "desk");
            assertThat(ServiceDiscoveryManager.getInstanceFor(again)
                    .discoverItems(JidCreate.domainBareFrom("localhost")).getItems()).isEmpty();
            assertThatThrownBy(() -> ServiceDiscoveryManager.getInstanceFor(again).discoverInfo(JidCreate.from("echo.localhost")))
                    .isInstanceOfSatisfying(XMPPErrorException.class, e -> assertThat(e.getStanzaError().getCondition())
                            .isEqualTo(StanzaError.Condition.remote_server_not_found));
        }
    }

    @Test
    void aComponentThatFailsAnswersRequestsWithAnInternalErrorAndTheStreamStaysOpen() throws Exception {
        try (NodeWithClients env = new NodeWithClients(Map.of())) {
            env.node.components().add(new LocalComponent() {
                @Override public String domain() { return "broken.localhost"; }
                @Override public String name() { return "Broken"; }
                @Override public void process(Packet packet) { throw new IllegalStateException("broken on purpose"); }
            });
            String alice = env.newUser();
            XMPPTCPConnection a = env.clients.login(alice, "secret", "phone");
            assertThatThrownBy(() -> ServiceDiscoveryManager.getInstanceFor(a).discoverInfo(JidCreate.from("broken.localhost")))
                    .isInstanceOfSatisfying(XMPPErrorException.class, e -> assertThat(e.getStanzaError().getCondition())
                            .isEqualTo(StanzaError.Condition.internal_server_error));
            assertThat(a.isConnected()).isTrue();
            assertThat(PingManager.getInstanceFor(a).pingMyServer()).isTrue();
        }
    }

    @Test
    void theServersDomainCannotBeTakenAndADomainOnlyOnce() {
        ComponentRegistry registry = new ComponentRegistry("localhost");
        assertThatThrownBy(() -> registry.add(new Echo("localhost", null))).isInstanceOf(IllegalArgumentException.class);
        registry.add(new Echo("echo.localhost", null));
        assertThatThrownBy(() -> registry.add(new Echo("ECHO.localhost", null))).isInstanceOf(IllegalStateException.class);
        assertThat(registry.forDomain("echo.localhost")).isPresent();
    }

    /** Answers messages with "echo: body", presence with presence from the same JID, IQs with an empty result. */
    private static final class Echo implements LocalComponent {
        private final String domain;
        private final NodeWithClients env;
        final List<Packet> received = new CopyOnWriteArrayList<>();

        Echo(String domain, NodeWithClients env) {
            this.domain = domain;
            this.env = env;
        }

        @Override
        public String domain() {
            return domain;
        }

        @Override
        public String name() {
            return "Echo";
        }

        @Override
        public void process(Packet packet) {
            received.add(packet);
            JID sender = packet.getFrom();
            if (packet instanceof org.xmpp.packet.Message) {
                org.xmpp.packet.Message reply = new org.xmpp.packet.Message();
                reply.setType(org.xmpp.packet.Message.Type.chat);
                reply.setFrom(packet.getTo());
                reply.setTo(sender);
                reply.setBody("echo: " + ((org.xmpp.packet.Message) packet).getBody());
                env.node.messageRouter().route(reply);
            } else if (packet instanceof org.xmpp.packet.Presence) {
                org.xmpp.packet.Presence reply = ((org.xmpp.packet.Presence) packet).createCopy();
                reply.setFrom(packet.getTo());
                reply.setTo(sender);
                env.node.routingTable().routeToFullJid(sender, reply);
            } else if (packet instanceof IQ && ((IQ) packet).isRequest()) {
                IQ reply = IQ.createResultIQ((IQ) packet);
                env.node.routingTable().routeToFullJid(sender, reply);
            }
        }
    }
}
