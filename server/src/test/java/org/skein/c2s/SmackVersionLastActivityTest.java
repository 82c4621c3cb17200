package org.skein.c2s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jivesoftware.smack.XMPPException.XMPPErrorException;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.jivesoftware.smackx.disco.packet.DiscoverInfo;
import org.jivesoftware.smackx.iqlast.LastActivityManager;
import org.jivesoftware.smackx.iqlast.packet.LastActivity;
import org.jivesoftware.smackx.iqversion.VersionManager;
import org.jivesoftware.smackx.iqversion.packet.Version;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.skein.lastactivity.JdbcLastActivityStore;
import org.skein.testing.ManualClock;

/**
 * Software version (XEP-0092), last activity (XEP-0012) and what service discovery says of them and
 * of vcard-temp, private XML and blocking, on one node. The node runs on a manual clock, so that
 * seconds are counted exactly.
 */
class SmackVersionLastActivityTest {

    @Test
    void theServerNamesItselfAndItsVersionButNotItsSystemUnlessAllowed() throws Exception {
        try (NodeWithClients env = new NodeWithClients(Map.of())) {
            XMPPTCPConnection a = env.clients.login(env.newUser(), "secret", "phone");
            Version version = VersionManager.getInstanceFor(a).getVersion(JidCreate.domainBareFrom(env.node.xmppDomain()));
            assertThat(version.getName()).isEqualTo("Skein");
            assertThat(version.getVersion()).isEqualTo(env.node.version()).isNotEqualTo("unknown");
            assertThat(version.getOs()).isNull();
        }
        try (NodeWithClients env = new NodeWithClients(Map.of("xmpp.version.showOs", "true"))) {
            XMPPTCPConnection a = env.clients.login(env.newUser(), "secret", "phone");
            Version version = VersionManager.getInstanceFor(a).getVersion(JidCreate.domainBareFrom(env.node.xmppDomain()));
            assertThat(version.getOs()).startsWith(System.getProperty("os.name"));
        }
    }

    @Test
    void lastActivityCountsTheSecondsSinceTheLastLogoutForContactsOnly() throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2026-11-22T10:00:00Z"));
        try (NodeWithClients env = new NodeWithClients(Map.of(), clock)) {
            String alice = env.newUser();
            String bob = env.newUser();
            String carol = env.newUser();
            String dave = env.newUser();
            ClusterFixtures.befriend(env.node, alice, bob);
            ClusterFixtures.befriend(env.node, dave, bob);
            Jid aliceJid = JidCreate.bareFrom(env.jid(alice));
            LastActivityManager bobAsks = LastActivityManager.getInstanceFor(env.clients.login(bob, "secret", "desk"));
            LastActivityManager carolAsks = LastActivityManager.getInstanceFor(env.clients.login(carol, "secret", "desk"));

            clock.advance(Duration.ofSeconds(3600));
            assertThat(bobAsks.getLastActivity(JidCreate.domainBareFrom(env.node.xmppDomain())).getIdleTime()).isEqualTo(3600);

            XMPPTCPConnection a1 = env.clients.login(alice, "secret", "one");
            XMPPTCPConnection a2 = env.clients.login(alice, "secret", "two");
            assertThat(bobAsks.getLastActivity(aliceJid).getIdleTime()).isZero();
            a1.disconnect(a1.getStanzaFactory().buildPresenceStanza().ofType(Presence.Type.unavailable).setStatus("first gone").build());
            // a session's end is recorded before its route goes
            await().atMost(Duration.ofSeconds(10)).until(() -> env.node.routingTable().routesOf(env.jid(alice)).size() == 1);
            assertThat(bobAsks.getLastActivity(aliceJid).getIdleTime()).as("one resource is still online").isZero();

            clock.advance(Duration.ofSeconds(10));
            // unavailable without logging out counts as leaving
            a2.sendStanza(a2.getStanzaFactory().buildPresenceStanza().ofType(Presence.Type.unavailable).setStatus("Heading home").build());
            await().atMost(Duration.ofSeconds(10)).until(() -> recorded(env, alice, clock, "Heading home"));
            clock.advance(Duration.ofSeconds(903));
            LastActivity last = bobAsks.getLastActivity(aliceJid);
            assertThat(last.getIdleTime()).isEqualTo(903);
            assertThat(last.getStatusMessage()).isEqualTo("Heading home");

            a2.disconnect();
            await().atMost(Duration.ofSeconds(10)).until(() -> env.node.routingTable().routesOf(env.jid(alice)).isEmpty());
            clock.advance(Duration.ofSeconds(60));
            assertThat(bobAsks.getLastActivity(aliceJid).getIdleTime()).as("since the logout, not the unavailable").isEqualTo(60);

            assertThatThrownBy(() -> carolAsks.getLastActivity(aliceJid)).isInstanceOfSatisfying(XMPPErrorException.class, e ->
                    assertThat(e.getStanzaError().getCondition()).isEqualTo(StanzaError.Condition.forbidden));
            assertThatThrownBy(() -> bobAsks.getLastActivity(JidCreate.bareFrom(env.jid(dave))))
                    .as("dave never logged in").isInstanceOfSatisfying(XMPPErrorException.class, e ->
                            assertThat(e.getStanzaError().getCondition()).isEqualTo(StanzaError.Condition.item_not_found));
            assertThatThrownBy(() -> bobAsks.getLastActivity(JidCreate.bareFrom("nobody@" + env.node.xmppDomain())))
                    .isInstanceOfSatisfying(XMPPErrorException.class, e ->
                            assertThat(e.getStanzaError().getCondition()).isEqualTo(StanzaError.Condition.service_unavailable));
        }
    }

    /** Whether the user's last activity is recorded at the clock's present time with this status (recorded after the presence was routed). */
    private static boolean recorded(NodeWithClients env, String user, ManualClock clock, String status) {
        return new JdbcLastActivityStore(env.node.database()).find(user)
                .filter(last -> last.stamp().equals(clock.instant()) && last.status().equals(status)).isPresent();
    }

    @Test
    void discoveryListsTheLoginTimeFeaturesOnTheServerAndTheAccountsOnes() throws Exception {
        try (NodeWithClients env = new NodeWithClients(Map.of())) {
            String alice = env.newUser();
            String bob = env.newUser();
            ServiceDiscoveryManager disco = ServiceDiscoveryManager.getInstanceFor(env.clients.login(alice, "secret", "phone"));

            DiscoverInfo server = disco.discoverInfo(JidCreate.domainBareFrom(env.node.xmppDomain()));
            for (String feature : List.of("vcard-temp", "jabber:iq:private", "urn:xmpp:blocking", "jabber:iq:version", "jabber:iq:last")) {
                assertThat(server.containsFeature(feature)).as(feature).isTrue();
            }
            DiscoverInfo account = disco.discoverInfo(JidCreate.bareFrom(env.jid(bob)));
            assertThat(account.hasIdentity("account", "registered")).isTrue();
            assertThat(account.containsFeature("vcard-temp")).isTrue();
            assertThat(account.containsFeature("jabber:iq:last")).isTrue();
            assertThat(account.containsFeature("urn:xmpp:blocking")).isFalse();
        }
    }
}
