package org.skein.c2s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jivesoftware.smack.AbstractXMPPConnection;
import org.jivesoftware.smack.ConnectionListener;
import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.XMPPException.StreamErrorException;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.StreamError;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.roster.RosterEntry;
import org.jivesoftware.smack.roster.SubscribeListener;
import org.jivesoftware.smack.roster.packet.RosterPacket;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.skein.roster.RosterItem;
import org.skein.roster.Subscription;

class SmackRosterPresenceTest {

    static NodeWithClients env;

    @BeforeAll
    static void start() throws Exception {
        env = new NodeWithClients(Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        env.close();
    }

    private static BareJid bare(String jid) throws Exception {
        return JidCreate.bareFrom(jid);
    }

    /**
     * The client's roster once the get it sends at login is answered. Not {@code reloadAndWait()}: in
     * Smack 4.4 it sends a second get but returns as soon as the roster is loaded, often by the
     * login-time answer; the second answer is then applied later, on another thread than roster
     * pushes, as a full snapshot taken before the test's changes, and deletes the items that pushes
     * added meanwhile (seen: a client left without the contact that the server had pushed as
     * {@code both}).
     */
    private static Roster loadedRoster(XMPPConnection connection) {
        Roster roster = Roster.getInstanceFor(connection);
        await().atMost(Duration.ofSeconds(10)).until(roster::isLoaded);
        return roster;
    }

    private static RosterPacket.ItemType type(Roster roster, BareJid jid) {
        RosterEntry entry = roster.getEntry(jid);
        return entry == null ? null : entry.getType();
    }

    @Test
    void rosterAddUpdateAndRemoveArePushed() throws Exception {
        String alice = env.newUser();
        String carol = env.newUser();
        XMPPTCPConnection a1 = env.clients.login(alice, "secret", "one");
        XMPPTCPConnection a2 = env.clients.login(alice, "secret", "two");
        Roster roster1 = loadedRoster(a1);
        Roster roster2 = loadedRoster(a2);

        roster1.createItem(bare(env.jid(carol)), "Carol", new String[] {"friends"});
        await().atMost(Duration.ofSeconds(10)).until(() -> roster2.getEntry(bare(env.jid(carol))) != null);
        RosterEntry pushed = roster2.getEntry(bare(env.jid(carol)));
        assertThat(pushed.getName()).isEqualTo("Carol");
        assertThat(pushed.getGroups()).extracting(g -> g.getName()).containsExactly("friends");
        assertThat(pushed.getType()).isEqualTo(RosterPacket.ItemType.none);

        roster1.getEntry(bare(env.jid(carol))).setName("Caz");
        await().atMost(Duration.ofSeconds(10)).until(() -> "Caz".equals(roster2.getEntry(bare(env.jid(carol))).getName()));

        roster1.removeEntry(roster1.getEntry(bare(env.jid(carol))));
        await().atMost(Duration.ofSeconds(10)).until(() -> roster2.getEntry(bare(env.jid(carol))) == null);
        assertThat(env.node.rosterManager().getRoster(alice).items()).isEmpty();

        XMPPTCPConnection a3 = env.clients.login(alice, "secret", "three");
        Roster roster3 = loadedRoster(a3);
        assertThat(roster3.getEntries()).isEmpty();
    }

    @Test
    void theFullSubscriptionFlowEndsInBothAndPresenceFlowsBothWays() throws Exception {
        String alice = env.newUser();
        String bob = env.newUser();
        XMPPTCPConnection a = env.clients.login(alice, "secret", "phone");
        XMPPTCPConnection b = env.clients.login(bob, "secret", "desk");
        Roster aliceRoster = loadedRoster(a);
        Roster bobRoster = loadedRoster(b);
        List<Presence> bobSaw = new CopyOnWriteArrayList<>();
        b.addSyncStanzaListener(p -> bobSaw.add((Presence) p), StanzaTypeFilter.PRESENCE);
        bobRoster.addSubscribeListener((from, request) -> SubscribeListener.SubscribeAnswer.ApproveAndAlsoRequestIfRequired);
        aliceRoster.addSubscribeListener((from, request) -> SubscribeListener.SubscribeAnswer.Approve);

        aliceRoster.createItemAndRequestSubscription(bare(env.jid(bob)), "Bob", null);

        await().atMost(Duration.ofSeconds(10)).until(() -> type(aliceRoster, bare(env.jid(bob))) == RosterPacket.ItemType.both
                && type(bobRoster, bare(env.jid(alice))) == RosterPacket.ItemType.both);
        RosterItem stored = env.node.rosterManager().getItem(alice, env.jid(bob)).orElseThrow();
        assertThat(stored.subscription()).isEqualTo(Subscription.BOTH);
        assertThat(stored.pendingOut()).isFalse();
        assertThat(stored.pendingIn()).isFalse();
        await().atMost(Duration.ofSeconds(10)).until(() -> aliceRoster.getPresence(bare(env.jid(bob))).isAvailable()
                && bobRoster.getPresence(bare(env.jid(alice))).isAvailable());

        a.sendStanza(a.getStanzaFactory().buildPresenceStanza().setMode(Presence.Mode.away).setStatus("lunch").build());
        await().atMost(Duration.ofSeconds(10)).until(() -> "lunch".equals(bobRoster.getPresence(bare(env.jid(alice))).getStatus()));

        a.disconnect();
        await().atMost(Duration.ofSeconds(10)).until(() -> bobSaw.stream().anyMatch(p -> p.getType() == Presence.Type.unavailable
                && p.getFrom().toString().equals(env.jid(alice) + "/phone")));
        assertThat(bobRoster.getPresence(bare(env.jid(alice))).isAvailable()).isFalse();
    }

    @Test
    void aPendingSubscriptionRequestIsRedeliveredAtLoginAndProbesAnswerAtLogin() throws Exception {
        String alice = env.newUser();
        String bob = env.newUser();
        XMPPTCPConnection a = env.clients.login(alice, "secret", "phone");
        Roster aliceRoster = loadedRoster(a);
        aliceRoster.createItemAndRequestSubscription(bare(env.jid(bob)), "Bob", null);
        await().atMost(Duration.ofSeconds(10)).until(() -> env.node.rosterManager().getItem(bob, env.jid(alice))
                .map(RosterItem::pendingIn).orElse(false));
        assertThat(aliceRoster.getEntry(bare(env.jid(bob))).isSubscriptionPending()).isTrue();

        XMPPTCPConnection b = new XMPPTCPConnection(env.clients.config(bob, "secret", "desk", "SCRAM-SHA-1").build());
        List<Presence> requests = new CopyOnWriteArrayList<>();
        b.addSyncStanzaListener(p -> {
            if (((Presence) p).getType() == Presence.Type.subscribe) {
                requests.add((Presence) p);
            }
        }, StanzaTypeFilter.PRESENCE);
        Roster bobRoster = Roster.getInstanceFor(b);
        bobRoster.setSubscriptionMode(Roster.SubscriptionMode.manual);
        try {
            b.connect().login();
            await().atMost(Duration.ofSeconds(10)).until(() -> !requests.isEmpty());
            assertThat(requests.get(0).getFrom().toString()).isEqualTo(env.jid(alice));

            b.sendStanza(b.getStanzaFactory().buildPresenceStanza().ofType(Presence.Type.subscribed).to(bare(env.jid(alice))).build());
            await().atMost(Duration.ofSeconds(10)).until(() -> type(aliceRoster, bare(env.jid(bob))) == RosterPacket.ItemType.to);
            await().atMost(Duration.ofSeconds(10)).until(() -> aliceRoster.getPresence(bare(env.jid(bob))).isAvailable());

            // alice logs in again: her initial presence probes bob, who is online
            XMPPTCPConnection a2 = env.clients.login(alice, "secret", "tablet");
            Roster roster2 = Roster.getInstanceFor(a2);
            await().atMost(Duration.ofSeconds(10)).until(() -> roster2.getPresence(bare(env.jid(bob))).isAvailable());
        } finally {
            b.disconnect();
        }
    }

    @Test
    void directedPresenceRecipientsGetUnavailableAtLogout() throws Exception {
        String alice = env.newUser();
        String dave = env.newUser();
        XMPPTCPConnection a = env.clients.login(alice, "secret", "phone");
        XMPPTCPConnection d = env.clients.login(dave, "secret", "desk");
        List<Presence> daveSaw = new CopyOnWriteArrayList<>();
        d.addSyncStanzaListener(p -> daveSaw.add((Presence) p), StanzaTypeFilter.PRESENCE);

        a.sendStanza(a.getStanzaFactory().buildPresenceStanza().to(JidCreate.from(env.jid(dave) + "/desk")).setStatus("hi dave").build());
        await().atMost(Duration.ofSeconds(10)).until(() -> daveSaw.stream().anyMatch(p -> "hi dave".equals(p.getStatus())));
        a.disconnect();
        await().atMost(Duration.ofSeconds(10)).until(() -> daveSaw.stream().anyMatch(p -> p.getType() == Presence.Type.unavailable
                && p.getFrom().toString().equals(env.jid(alice) + "/phone")));
    }

    @Test
    void aLoginWithABoundResourceReplacesTheOldSessionWithConflict() throws Exception {
        String alice = env.newUser();
        XMPPTCPConnection first = env.clients.login(alice, "secret", "same");
        List<Exception> closedWith = new CopyOnWriteArrayList<>();
        first.addConnectionListener(new ConnectionListener() {
            @Override
            public void connectionClosedOnError(Exception e) {
                closedWith.add(e);
            }
        });
        XMPPTCPConnection second = env.clients.login(alice, "secret", "same");

        await().atMost(Duration.ofSeconds(10)).until(() -> !closedWith.isEmpty());
        assertThat(closedWith.get(0)).isInstanceOf(StreamErrorException.class);
        assertThat(((StreamErrorException) closedWith.get(0)).getStreamError().getCondition()).isEqualTo(StreamError.Condition.conflict);
        assertThat(second.isAuthenticated()).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> !((AbstractXMPPConnection) first).isConnected());
        assertThat(env.node.sessionManager().routesOf(env.jid(alice))).hasSize(1);
        assertThat(env.node.sessionManager().getLocalSessions(env.jid(alice))).hasSize(1);
    }
}
