package org.skein.c2s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jivesoftware.smack.SmackException;
import org.jivesoftware.smack.XMPPException.XMPPErrorException;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.blocking.BlockingCommandManager;
import org.jivesoftware.smackx.iqlast.LastActivityManager;
import org.jivesoftware.smackx.iqlast.packet.LastActivity;
import org.jivesoftware.smackx.iqprivate.PrivateDataManager;
import org.jivesoftware.smackx.iqregister.AccountManager;
import org.jivesoftware.smackx.iqprivate.packet.DefaultPrivateData;
import org.jivesoftware.smackx.vcardtemp.VCardManager;
import org.jivesoftware.smackx.vcardtemp.packet.VCard;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.skein.XmppServer;
import org.skein.blocking.BlockList;
import org.skein.blocking.BlockListManager;
import org.skein.blocking.JdbcBlockListStore;
import org.skein.lastactivity.JdbcLastActivityStore;
import org.skein.privatedata.JdbcPrivateXmlStore;
import org.skein.roster.Roster;
import org.skein.roster.RosterManager;
import org.skein.storage.JdbcUserStore;
import org.skein.vcard.JdbcVCardStore;

/**
 * The login-time features (vcard-temp, private XML, blocking, last activity, account removal) played
 * by real Smack clients, each scenario given the node every login goes to: run with one node for all
 * of them ({@code SmackImFeaturesTest}) and with nodes of a Hazelcast cluster that share one database
 * ({@code ImFeaturesIT} in the plugin), so that both show the same behaviour.
 *
 * <p>That something did <em>not</em> arrive is shown with a sentinel: once the stanza that must not
 * pass has been handled by its node (its sender got an answer), a message is routed from that same
 * node to the same recipient; stanzas from one node to one session keep their order, so when the
 * sentinel arrives, anything sent before it would have too.
 */
public final class ImScenarios implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final Map<XmppServer, SmackClients> clients = new HashMap<>();

    /** A new account (password "secret") in the database the nodes share. */
    public static String newUser(XmppServer node) throws Exception {
        String name = "u" + UUID.randomUUID().toString().substring(0, 8);
        node.userManager().createUser(name, "secret", "", "");
        return name;
    }

    private static String jid(XmppServer node, String user) {
        return user + "@" + node.xmppDomain();
    }

    /** A client of {@code user/resource} on {@code node}, with {@code beforeLogin} run on it first; logged in, initial presence sent. */
    private XMPPTCPConnection login(XmppServer node, String user, String resource, Consumer<XMPPTCPConnection> beforeLogin)
            throws Exception {
        XMPPTCPConnection connection = clients.computeIfAbsent(node, SmackClients::new).unconnected(user, "secret", resource);
        beforeLogin.accept(connection);
        connection.connect().login();
        return connection;
    }

    private XMPPTCPConnection login(XmppServer node, String user, String resource) throws Exception {
        return login(node, user, resource, c -> { });
    }

    /** Routes a message from {@code node} to a session: it arrives after whatever that node sent the session before. */
    private static void sentinel(XmppServer node, XMPPTCPConnection to, String body) {
        org.xmpp.packet.Message message = new org.xmpp.packet.Message();
        message.setFrom(new org.xmpp.packet.JID(null, node.xmppDomain(), null, true));
        message.setTo(new org.xmpp.packet.JID(to.getUser().toString()));
        message.setBody(body);
        assertThat(node.routingTable().routeToFullJid(message.getTo(), message)).isTrue();
    }

    private static List<Message> messages(XMPPTCPConnection client) {
        List<Message> inbox = new CopyOnWriteArrayList<>();
        client.addSyncStanzaListener(s -> inbox.add((Message) s), StanzaTypeFilter.MESSAGE);
        return inbox;
    }

    private static List<Presence> presences(XMPPTCPConnection client) {
        List<Presence> inbox = new CopyOnWriteArrayList<>();
        client.addSyncStanzaListener(s -> inbox.add((Presence) s), StanzaTypeFilter.PRESENCE);
        return inbox;
    }

    private static Presence lastFrom(List<Presence> inbox, String fullJid) {
        for (int i = inbox.size() - 1; i >= 0; i--) {
            if (inbox.get(i).getFrom() != null && inbox.get(i).getFrom().toString().equals(fullJid)) {
                return inbox.get(i);
            }
        }
        throw new AssertionError("no presence from " + fullJid);
    }

    private static boolean hasBody(List<Message> inbox, String body) {
        return inbox.stream().anyMatch(m -> body.equals(m.getBody()));
    }

    private static Message withBody(List<Message> inbox, String body) {
        return inbox.stream().filter(m -> body.equals(m.getBody())).findFirst().orElseThrow();
    }

    private static void send(XMPPTCPConnection from, String to, String body) throws Exception {
        from.sendStanza(from.getStanzaFactory().buildMessageStanza().to(JidCreate.from(to)).ofType(Message.Type.chat).setBody(body).build());
    }

    private static void assertError(ThrowingRunnable call, StanzaError.Condition condition) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(XMPPErrorException.class, e ->
                assertThat(e.getStanzaError().getCondition()).isEqualTo(condition));
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static IQ ping(Jid to) {
        return new RawIq(IQ.Type.get, "ping", "urn:xmpp:ping", "", to);
    }

    /** Alice saves her vCard on node a; bob on node b reads it, and reads each change at once. */
    public void vcardsAreReadOnAnyNodeAndChangesSeenAtOnce(XmppServer a, XmppServer b) throws Exception {
        String alice = newUser(a);
        String bob = newUser(a);
        VCardManager aliceCards = VCardManager.getInstanceFor(login(a, alice, "phone"));
        VCardManager bobCards = VCardManager.getInstanceFor(login(b, bob, "desk"));
        var aliceJid = JidCreate.entityBareFrom(jid(a, alice));

        assertError(() -> bobCards.loadVCard(aliceJid), StanzaError.Condition.service_unavailable);
        VCard card = new VCard();
        card.setNickName("first");
        card.setAvatar(new byte[] {7, 7, 7}, "image/png");
        aliceCards.saveVCard(card);
        assertThat(bobCards.loadVCard(aliceJid).getNickName()).isEqualTo("first");

        for (int i = 2; i <= 5; i++) {
            card.setNickName("change " + i);
            aliceCards.saveVCard(card);
            assertThat(bobCards.loadVCard(aliceJid).getNickName()).as("bob reads change %d at once", i).isEqualTo("change " + i);
        }
        aliceCards.saveVCard(new VCard());
        assertError(() -> bobCards.loadVCard(aliceJid), StanzaError.Condition.service_unavailable);
    }

    /** Alice's private XML stored from node a is read and replaced from her resource on node b. */
    public void privateXmlIsTheSameOnEveryNode(XmppServer a, XmppServer b) throws Exception {
        String alice = newUser(a);
        PrivateDataManager onA = PrivateDataManager.getInstanceFor(login(a, alice, "phone"));
        PrivateDataManager onB = PrivateDataManager.getInstanceFor(login(b, alice, "desk"));
        DefaultPrivateData prefs = new DefaultPrivateData("prefs", "test:prefs");
        prefs.setValue("theme", "dark");
        onA.setPrivateData(prefs);
        assertThat(((DefaultPrivateData) onB.getPrivateData("prefs", "test:prefs")).getValue("theme")).isEqualTo("dark");
        prefs.setValue("theme", "light");
        onB.setPrivateData(prefs);
        assertThat(((DefaultPrivateData) onA.getPrivateData("prefs", "test:prefs")).getValue("theme")).isEqualTo("light");
    }

    /**
     * Alice (node a) and bob (node b) share presence. Alice blocks bob: each is told the other went
     * unavailable; nothing of bob's reaches alice (his message and IQ requests get
     * {@code service-unavailable}, his presence is dropped); alice's stanzas to bob are refused with
     * {@code not-acceptable} and {@code <blocked/>}. Unblocking brings presence and messages back.
     */
    public void aBlockAppliesOnEveryNodeAtOnce(XmppServer a, XmppServer b) throws Exception {
        String alice = newUser(a);
        String bob = newUser(a);
        ClusterFixtures.befriend(a, alice, bob);
        List<Message> aliceMessages = new CopyOnWriteArrayList<>();
        List<Presence> alicePresences = new CopyOnWriteArrayList<>();
        XMPPTCPConnection aliceClient = login(a, alice, "phone", c -> {
            c.addSyncStanzaListener(s -> aliceMessages.add((Message) s), StanzaTypeFilter.MESSAGE);
            c.addSyncStanzaListener(s -> alicePresences.add((Presence) s), StanzaTypeFilter.PRESENCE);
        });
        List<Message> bobMessages = new CopyOnWriteArrayList<>();
        List<Presence> bobPresences = new CopyOnWriteArrayList<>();
        XMPPTCPConnection bobClient = login(b, bob, "desk", c -> {
            c.addSyncStanzaListener(s -> bobMessages.add((Message) s), StanzaTypeFilter.MESSAGE);
            c.addSyncStanzaListener(s -> bobPresences.add((Presence) s), StanzaTypeFilter.PRESENCE);
        });
        String aliceFull = aliceClient.getUser().toString();
        String bobFull = bobClient.getUser().toString();
        await().atMost(WAIT).until(() -> ClusterFixtures.availableFrom(alicePresences, bobFull)
                && ClusterFixtures.availableFrom(bobPresences, aliceFull));

        BlockingCommandManager.getInstanceFor(aliceClient).blockContacts(List.of(JidCreate.from(jid(a, bob))));

        await().atMost(WAIT).until(() -> !ClusterFixtures.availableFrom(bobPresences, aliceFull)
                && !ClusterFixtures.availableFrom(alicePresences, bobFull));

        // bob to alice: at once, the message bounces and the IQs are answered as for nobody
        send(bobClient, jid(a, alice), "let me in");
        await().atMost(WAIT).until(() -> bobMessages.stream().anyMatch(m -> m.getType() == Message.Type.error));
        Message bounce = bobMessages.stream().filter(m -> m.getType() == Message.Type.error).findFirst().orElseThrow();
        assertThat(bounce.getError().getCondition()).isEqualTo(StanzaError.Condition.service_unavailable);
        assertError(() -> RawIq.send(bobClient, ping(JidCreate.from(aliceFull))), StanzaError.Condition.service_unavailable);
        assertError(() -> VCardManager.getInstanceFor(bobClient).loadVCard(JidCreate.entityBareFrom(jid(a, alice))),
                StanzaError.Condition.service_unavailable);
        bobClient.sendStanza(bobClient.getStanzaFactory().buildPresenceStanza().setStatus("still here").build());
        RawIq.send(bobClient, ping(JidCreate.domainBareFrom(b.xmppDomain()))); // bob's node has handled his presence
        sentinel(b, aliceClient, "sentinel 1");
        await().atMost(WAIT).until(() -> hasBody(aliceMessages, "sentinel 1"));
        assertThat(aliceMessages).noneMatch(m -> "let me in".equals(m.getBody()));
        assertThat(alicePresences).noneMatch(p -> "still here".equals(p.getStatus()));

        // alice to bob: refused with the blocking error
        send(aliceClient, jid(a, bob), "psst");
        await().atMost(WAIT).until(() -> aliceMessages.stream().anyMatch(m -> m.getType() == Message.Type.error));
        StanzaError refused = aliceMessages.stream().filter(m -> m.getType() == Message.Type.error).findFirst().orElseThrow().getError();
        assertThat(refused.getCondition()).isEqualTo(StanzaError.Condition.not_acceptable);
        assertThat((Object) refused.getExtension("blocked", "urn:xmpp:blocking:errors")).isNotNull();
        assertThatThrownBy(() -> RawIq.send(aliceClient, ping(JidCreate.from(bobFull)))).isInstanceOfSatisfying(
                XMPPErrorException.class, e -> {
                    assertThat(e.getStanzaError().getCondition()).isEqualTo(StanzaError.Condition.not_acceptable);
                    assertThat((Object) e.getStanzaError().getExtension("blocked", "urn:xmpp:blocking:errors")).isNotNull();
                });
        sentinel(a, bobClient, "sentinel 2");
        await().atMost(WAIT).until(() -> hasBody(bobMessages, "sentinel 2"));
        assertThat(bobMessages).noneMatch(m -> "psst".equals(m.getBody()));

        // unblocked: each sees the other's current presence again, and messages pass
        BlockingCommandManager.getInstanceFor(aliceClient).unblockContacts(List.of(JidCreate.from(jid(a, bob))));
        await().atMost(WAIT).until(() -> ClusterFixtures.availableFrom(bobPresences, aliceFull)
                && ClusterFixtures.availableFrom(alicePresences, bobFull));
        assertThat(lastFrom(alicePresences, bobFull).getStatus()).isEqualTo("still here");
        send(bobClient, jid(a, alice), "hello again");
        await().atMost(WAIT).until(() -> hasBody(aliceMessages, "hello again"));
        send(aliceClient, bobFull, "welcome back");
        await().atMost(WAIT).until(() -> hasBody(bobMessages, "welcome back"));
    }

    /**
     * Alice has resources on nodes a, b and c; phone (a) and desk (b) asked for the block list, tablet
     * (c) did not. Blocks and unblocks from any of them reach exactly phone and desk.
     */
    public void pushesReachTheResourcesThatAskedOnEveryNode(XmppServer a, XmppServer b, XmppServer c) throws Exception {
        String alice = newUser(a);
        String bob = newUser(a);
        XMPPTCPConnection phone = login(a, alice, "phone");
        XMPPTCPConnection desk = login(b, alice, "desk");
        XMPPTCPConnection tablet = login(c, alice, "tablet");
        List<Message> tabletMessages = messages(tablet);
        BlockingCommandManager phoneBlocks = BlockingCommandManager.getInstanceFor(phone);
        BlockingCommandManager deskBlocks = BlockingCommandManager.getInstanceFor(desk);
        assertThat(phoneBlocks.isSupportedByServer()).isTrue();
        assertThat(phoneBlocks.getBlockList()).isEmpty();
        assertThat(deskBlocks.getBlockList()).isEmpty();
        List<String> phoneHeard = new CopyOnWriteArrayList<>();
        List<String> deskHeard = new CopyOnWriteArrayList<>();
        AtomicInteger tabletHeard = new AtomicInteger();
        phoneBlocks.addJidsBlockedListener(jids -> phoneHeard.add("block " + jids));
        phoneBlocks.addJidsUnblockedListener(jids -> phoneHeard.add("unblock " + jids));
        phoneBlocks.addAllJidsUnblockedListener(() -> phoneHeard.add("unblock all"));
        deskBlocks.addJidsBlockedListener(jids -> deskHeard.add("block " + jids));
        deskBlocks.addJidsUnblockedListener(jids -> deskHeard.add("unblock " + jids));
        deskBlocks.addAllJidsUnblockedListener(() -> deskHeard.add("unblock all"));
        BlockingCommandManager tabletBlocks = BlockingCommandManager.getInstanceFor(tablet);
        tabletBlocks.addJidsBlockedListener(jids -> tabletHeard.incrementAndGet());
        tabletBlocks.addJidsUnblockedListener(jids -> tabletHeard.incrementAndGet());
        tabletBlocks.addAllJidsUnblockedListener(tabletHeard::incrementAndGet);
        Jid bobJid = JidCreate.from(jid(a, bob));
        Jid spam = JidCreate.from("spam.example.org");

        phoneBlocks.blockContacts(List.of(bobJid, spam));
        await().atMost(WAIT).until(() -> deskHeard.size() == 1 && phoneHeard.size() == 1);
        assertThat(deskHeard.get(0)).contains(bobJid.toString()).contains("spam.example.org");
        assertThat(deskBlocks.getBlockList()).containsExactlyInAnyOrder(bobJid, spam);

        deskBlocks.unblockContacts(List.of(bobJid));
        await().atMost(WAIT).until(() -> phoneHeard.size() == 2 && deskHeard.size() == 2);
        assertThat(phoneHeard.get(1)).startsWith("unblock").contains(bobJid.toString());
        assertThat(phoneBlocks.getBlockList()).as("phone's list, kept by the pushes").containsExactly(spam);
        assertThat(new JdbcBlockListStore(a.database()).items(alice)).containsExactly("spam.example.org");

        deskBlocks.unblockAll();
        await().atMost(WAIT).until(() -> phoneHeard.contains("unblock all") && deskHeard.contains("unblock all"));
        assertThat(phoneBlocks.getBlockList()).isEmpty();

        // the tablet never asked for the list: no push reached it (the pushes left desk's node before this)
        sentinel(b, tablet, "after the pushes");
        await().atMost(WAIT).until(() -> hasBody(tabletMessages, "after the pushes"));
        assertThat(tabletHeard.get()).as("pushes to the tablet before it asked").isZero();
        assertThat(tabletBlocks.getBlockList()).isEmpty();
        phoneBlocks.blockContacts(List.of(spam));
        await().atMost(WAIT).until(() -> tabletHeard.get() == 1);
    }

    /** A subscription request from a user who is blocked is dropped in silence; one to a blocked user is refused. */
    public void subscriptionsBetweenABlockedPair(XmppServer a, XmppServer b) throws Exception {
        String alice = newUser(a);
        String bob = newUser(a);
        List<Presence> alicePresences = new CopyOnWriteArrayList<>();
        List<Message> aliceMessages = new CopyOnWriteArrayList<>();
        XMPPTCPConnection aliceClient = login(a, alice, "phone", c -> {
            c.addSyncStanzaListener(s -> alicePresences.add((Presence) s), StanzaTypeFilter.PRESENCE);
            c.addSyncStanzaListener(s -> aliceMessages.add((Message) s), StanzaTypeFilter.MESSAGE);
        });
        XMPPTCPConnection bobClient = login(b, bob, "desk");
        BlockingCommandManager.getInstanceFor(aliceClient).blockContacts(List.of(JidCreate.from(jid(a, bob))));

        bobClient.sendStanza(bobClient.getStanzaFactory().buildPresenceStanza().ofType(Presence.Type.subscribe)
                .to(JidCreate.bareFrom(jid(a, alice))).build());
        RawIq.send(bobClient, ping(JidCreate.domainBareFrom(b.xmppDomain())));
        sentinel(b, aliceClient, "after the request");
        await().atMost(WAIT).until(() -> hasBody(aliceMessages, "after the request"));
        assertThat(alicePresences).noneMatch(p -> p.getType() == Presence.Type.subscribe);
        assertThat(a.rosterManager().getItem(alice, jid(a, bob))).isEmpty();

        aliceClient.sendStanza(aliceClient.getStanzaFactory().buildPresenceStanza().ofType(Presence.Type.subscribe)
                .to(JidCreate.bareFrom(jid(a, bob))).build());
        await().atMost(WAIT).until(() -> alicePresences.stream().anyMatch(p -> p.getType() == Presence.Type.error));
        Presence refused = alicePresences.stream().filter(p -> p.getType() == Presence.Type.error).findFirst().orElseThrow();
        assertThat(refused.getError().getCondition()).isEqualTo(StanzaError.Condition.not_acceptable);
        assertThat((Object) refused.getError().getExtension("blocked", "urn:xmpp:blocking:errors")).isNotNull();
    }

    /**
     * Alice logs out from node a with a status; bob, her contact, asks on node b and gets the time and
     * the status; carol, a stranger, is refused. While alice is online anywhere the answer is 0.
     */
    public void lastActivityOfAUserWhoLeftAnotherNode(XmppServer a, XmppServer b) throws Exception {
        String alice = newUser(a);
        String bob = newUser(a);
        String carol = newUser(a);
        ClusterFixtures.befriend(a, alice, bob);
        XMPPTCPConnection aliceClient = login(a, alice, "phone");
        LastActivityManager bobAsks = LastActivityManager.getInstanceFor(login(b, bob, "desk"));
        LastActivityManager carolAsks = LastActivityManager.getInstanceFor(login(b, carol, "laptop"));
        Jid aliceJid = JidCreate.bareFrom(jid(a, alice));

        assertThat(bobAsks.getLastActivity(aliceJid).getIdleTime()).isZero();
        aliceClient.disconnect(aliceClient.getStanzaFactory().buildPresenceStanza().ofType(Presence.Type.unavailable)
                .setStatus("Heading home").build());
        await().atMost(WAIT).until(() -> a.routingTable().routesOf(jid(a, alice)).isEmpty()
                && b.routingTable().routesOf(jid(a, alice)).isEmpty());

        LastActivity last = bobAsks.getLastActivity(aliceJid);
        assertThat(last.getIdleTime()).isGreaterThanOrEqualTo(0);
        assertThat(last.getStatusMessage()).isEqualTo("Heading home");
        assertError(() -> carolAsks.getLastActivity(aliceJid), StanzaError.Condition.forbidden);
        LastActivity self = LastActivityManager.getInstanceFor(login(b, alice, "laptop")).getLastActivity(aliceJid);
        assertThat(self.getIdleTime()).isZero();
        assertThat(bobAsks.getLastActivity(JidCreate.domainBareFrom(a.xmppDomain())).getIdleTime()).isGreaterThanOrEqualTo(0);
    }

    /**
     * Alice (node a) fills everything the login-time features keep, bob reads her vCard from node b
     * (so that b's near cache holds it), then alice removes her account in band on node a. Nothing of
     * it is left, in the database or in the caches, and bob is answered as for nobody; an account
     * created again with her name starts empty.
     */
    public void removingAnAccountRemovesEverythingKeptForIt(XmppServer a, XmppServer b) throws Exception {
        String alice = newUser(a);
        String bob = newUser(a);
        keepEverythingFor(a, alice);
        VCardManager bobCards = VCardManager.getInstanceFor(login(b, bob, "desk"));
        var aliceJid = JidCreate.entityBareFrom(jid(a, alice));
        assertThat(bobCards.loadVCard(aliceJid).getNickName()).isEqualTo("kept");

        XMPPTCPConnection aliceClient = login(a, alice, "phone");
        try {
            AccountManager.getInstance(aliceClient).deleteAccount();
        } catch (SmackException.NotConnectedException e) {
            // the server answers and then closes the account's stream: Smack may see the close first
        }
        await().atMost(WAIT).until(() -> !aliceClient.isConnected());

        assertError(() -> bobCards.loadVCard(aliceJid), StanzaError.Condition.service_unavailable);
        assertNothingKeptFor(a, alice, true);
        assertError(() -> bobCards.loadVCard(aliceJid), StanzaError.Condition.service_unavailable);
    }

    /**
     * Logs the user in on {@code node}, saves a vCard, private XML and a block list, reads them back (so
     * that the caches hold them) and logs out (last activity); returns when all of it is stored.
     */
    public void keepEverythingFor(XmppServer node, String user) throws Exception {
        XMPPTCPConnection client = login(node, user, "phone");
        VCard card = new VCard();
        card.setNickName("kept");
        VCardManager.getInstanceFor(client).saveVCard(card);
        assertThat(VCardManager.getInstanceFor(client).loadVCard().getNickName()).isEqualTo("kept");
        DefaultPrivateData prefs = new DefaultPrivateData("prefs", "test:prefs");
        prefs.setValue("theme", "dark");
        PrivateDataManager.getInstanceFor(client).setPrivateData(prefs);
        BlockingCommandManager.getInstanceFor(client).blockContacts(List.of(JidCreate.from("spam@example.org")));
        assertThat(BlockingCommandManager.getInstanceFor(client).getBlockList()).hasSize(1);
        client.disconnect();
        await().atMost(WAIT).until(() -> new JdbcLastActivityStore(node.database()).find(user).isPresent());
        assertThat(new JdbcVCardStore(node.database(), node.clock()).find(user)).isPresent();
        assertThat(new JdbcPrivateXmlStore(node.database()).size(user)).isPositive();
        assertThat(new JdbcBlockListStore(node.database()).items(user)).isNotEmpty();
    }

    /**
     * After the user's account was removed: nothing of what {@link #keepEverythingFor} kept is in the
     * database and, with {@code cachesToo}, in the node's caches; an account created again with the
     * name (through the node) starts empty.
     */
    public void assertNothingKeptFor(XmppServer node, String user, boolean cachesToo) throws Exception {
        assertThat(new JdbcUserStore(node.database(), node.clock()).find(user)).isEmpty();
        assertThat(new JdbcVCardStore(node.database(), node.clock()).find(user)).isEmpty();
        assertThat(new JdbcPrivateXmlStore(node.database()).size(user)).isZero();
        assertThat(new JdbcBlockListStore(node.database()).items(user)).isEmpty();
        assertThat(new JdbcLastActivityStore(node.database()).find(user)).isEmpty();
        if (cachesToo) {
            // the caches may hold the empty state again (the account's sessions ended after it was gone), never the old one
            Object vcard = node.cacheFactory().getCache(org.skein.vcard.VCardManager.CACHE_NAME).orElseThrow().get(user);
            assertThat(vcard == null || "".equals(vcard)).as("cached vCard %s", vcard).isTrue();
            Object blocks = node.cacheFactory().getCache(BlockListManager.CACHE_NAME).orElseThrow().get(user);
            assertThat(blocks == null || ((BlockList) blocks).isEmpty()).as("cached block list %s", blocks).isTrue();
            Object roster = node.cacheFactory().getCache(RosterManager.CACHE_NAME).orElseThrow().get(user);
            assertThat(roster == null || ((Roster) roster).items().isEmpty()).as("cached roster").isTrue();
        }
        node.userManager().createUser(user, "secret", "", "");
        XMPPTCPConnection reborn = login(node, user, "phone");
        assertThat(VCardManager.getInstanceFor(reborn).loadVCard().getNickName()).isNull();
        assertThat(((DefaultPrivateData) PrivateDataManager.getInstanceFor(reborn).getPrivateData("prefs", "test:prefs")).getNames())
                .isEmpty();
        assertThat(BlockingCommandManager.getInstanceFor(reborn).getBlockList()).isEmpty();
    }

    @Override
    public void close() {
        clients.values().forEach(SmackClients::close);
        clients.clear();
    }
}
