package org.skein.c2s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.jivesoftware.smack.SmackException;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.XMPPException.XMPPErrorException;
import org.jivesoftware.smack.packet.StreamError;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.jivesoftware.smackx.disco.packet.DiscoverInfo;
import org.jivesoftware.smackx.disco.packet.DiscoverItems;
import org.jivesoftware.smackx.iqregister.AccountManager;
import org.jivesoftware.smackx.ping.PingManager;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Localpart;

class SmackExtensionsTest {

    @Test
    void pingsTheServerAndAnotherUser() throws Exception {
        try (NodeWithClients env = new NodeWithClients(Map.of())) {
            String alice = env.newUser();
            String bob = env.newUser();
            XMPPTCPConnection a = env.clients.login(alice, "secret", "phone");
            env.clients.login(bob, "secret", "desk");
            PingManager ping = PingManager.getInstanceFor(a);
            assertThat(ping.pingMyServer()).isTrue();
            assertThat(ping.ping(JidCreate.entityFullFrom(env.jid(bob) + "/desk"))).isTrue();
            assertThat(ping.ping(JidCreate.from(env.jid(bob)))).isTrue();
            assertThat(ping.ping(JidCreate.entityFullFrom(env.jid(bob) + "/gone"))).isFalse();
        }
    }

    @Test
    void discoversTheServerAndAnAccount() throws Exception {
        try (NodeWithClients env = new NodeWithClients(Map.of())) {
            String alice = env.newUser();
            String bob = env.newUser();
            XMPPTCPConnection a = env.clients.login(alice, "secret", "phone");
            ServiceDiscoveryManager disco = ServiceDiscoveryManager.getInstanceFor(a);

            DiscoverInfo info = disco.discoverInfo(JidCreate.domainBareFrom("localhost"));
            assertThat(info.hasIdentity("server", "im")).isTrue();
            assertThat(info.containsFeature("http://jabber.org/protocol/disco#info")).isTrue();
            assertThat(info.containsFeature("urn:xmpp:ping")).isTrue();
            assertThat(info.containsFeature("jabber:iq:register")).isFalse();
            DiscoverItems items = disco.discoverItems(JidCreate.domainBareFrom("localhost"));
            assertThat(items.getItems()).extracting(i -> i.getEntityID().toString())
                    .containsExactlyInAnyOrder("pubsub.localhost", "conference.localhost");

            DiscoverInfo account = disco.discoverInfo(JidCreate.bareFrom(env.jid(bob)));
            assertThat(account.hasIdentity("account", "registered")).isTrue();

            assertThatThrownBy(() -> disco.discoverInfo(JidCreate.bareFrom("nobody@localhost")))
                    .isInstanceOfSatisfying(XMPPErrorException.class, e ->
                            assertThat(e.getStanzaError().getCondition()).isEqualTo(StanzaError.Condition.service_unavailable));
            assertThatThrownBy(() -> disco.discoverInfo(JidCreate.domainBareFrom("localhost"), "some-node"))
                    .isInstanceOfSatisfying(XMPPErrorException.class, e ->
                            assertThat(e.getStanzaError().getCondition()).isEqualTo(StanzaError.Condition.item_not_found));
        }
    }

    @Test
    void inBandRegistrationCreatesChangesAndCancelsAnAccountWhenEnabled() throws Exception {
        try (NodeWithClients env = new NodeWithClients(Map.of("xmpp.register.enabled", "true"))) {
            String name = "new" + UUID.randomUUID().toString().substring(0, 6);
            XMPPTCPConnection anonymous = env.clients.connectOnly();
            AccountManager accounts = AccountManager.getInstance(anonymous);
            assertThat(accounts.supportsAccountCreation()).isTrue();
            accounts.createAccount(Localpart.from(name), "first");
            assertThat(env.node.userManager().checkPassword(name, "first")).isTrue();
            assertThatThrownBy(() -> accounts.createAccount(Localpart.from(name), "again"))
                    .isInstanceOfSatisfying(XMPPErrorException.class, e ->
                            assertThat(e.getStanzaError().getCondition()).isEqualTo(StanzaError.Condition.conflict));
            anonymous.disconnect();

            XMPPTCPConnection user = env.clients.login(name, "first", "desk");
            AccountManager mine = AccountManager.getInstance(user);
            mine.changePassword("second");
            assertThat(env.node.userManager().checkPassword(name, "second")).isTrue();
            ServiceDiscoveryManager disco = ServiceDiscoveryManager.getInstanceFor(user);
            assertThat(disco.discoverInfo(JidCreate.domainBareFrom("localhost")).containsFeature("jabber:iq:register")).isTrue();

            try {
                mine.deleteAccount();
            } catch (SmackException.NotConnectedException e) {
                // XEP-0077 3.2: the server answers the remove and then ends the account's streams with
                // not-authorized; Smack may hand the stream error to the waiting call before the answer
                assertThat(e.getCause()).isInstanceOfSatisfying(XMPPException.StreamErrorException.class, error ->
                        assertThat(error.getStreamError().getCondition()).isEqualTo(StreamError.Condition.not_authorized));
            }
            assertThat(env.node.userManager().exists(name)).isFalse();
            await().atMost(Duration.ofSeconds(10)).until(() -> !user.isConnected());
        }
    }

    @Test
    void inBandRegistrationIsRefusedWhenDisabled() throws Exception {
        try (NodeWithClients env = new NodeWithClients(Map.of())) {
            XMPPTCPConnection anonymous = env.clients.connectOnly();
            AccountManager accounts = AccountManager.getInstance(anonymous);
            assertThatThrownBy(() -> accounts.createAccount(Localpart.from("sneaky"), "pw"))
                    .isInstanceOfSatisfying(XMPPErrorException.class, e ->
                            assertThat(e.getStanzaError().getCondition()).isEqualTo(StanzaError.Condition.service_unavailable));
            assertThat(env.node.userManager().exists("sneaky")).isFalse();

            String alice = env.newUser();
            XMPPTCPConnection a = env.clients.login(alice, "secret", "phone");
            assertThatThrownBy(() -> AccountManager.getInstance(a).changePassword("new"))
                    .isInstanceOfSatisfying(XMPPErrorException.class, e ->
                            assertThat(e.getStanzaError().getCondition()).isEqualTo(StanzaError.Condition.service_unavailable));
        }
    }
}
