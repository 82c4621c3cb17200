package org.skein.c2s;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jxmpp.jid.impl.JidCreate;
import org.skein.XmppServer;
import org.skein.roster.RosterItem;
import org.skein.roster.Subscription;
import org.skein.session.ClientConnection;
import org.xmpp.packet.StreamError;

/** Small helpers of the cluster tests: accounts, mutual subscriptions, stanza inboxes, a connection without a socket. */
final class ClusterFixtures {

    private ClusterFixtures() {
    }

    /** Creates accounts (password "secret") in the database the nodes share. */
    static void users(XmppServer node, String... names) throws Exception {
        for (String name : names) {
            node.userManager().createUser(name, "secret", "", "");
        }
    }

    /** Makes two users contacts with a {@code both} subscription, as if they had subscribed to each other. */
    static void befriend(XmppServer node, String a, String b) {
        String domain = node.xmppDomain();
        node.rosterManager().update(a, b + "@" + domain, item -> new RosterItem(b + "@" + domain, b, Set.of(), Subscription.BOTH, false, false));
        node.rosterManager().update(b, a + "@" + domain, item -> new RosterItem(a + "@" + domain, a, Set.of(), Subscription.BOTH, false, false));
    }

    /** Every presence the client receives from now on, in order of arrival. */
    static List<Presence> presences(XMPPTCPConnection client) {
        List<Presence> inbox = new CopyOnWriteArrayList<>();
        client.addSyncStanzaListener(s -> inbox.add((Presence) s), StanzaTypeFilter.PRESENCE);
        return inbox;
    }

    /** Every message the client receives from now on. */
    static List<Message> messages(XMPPTCPConnection client) {
        List<Message> inbox = new CopyOnWriteArrayList<>();
        client.addSyncStanzaListener(s -> inbox.add((Message) s), StanzaTypeFilter.MESSAGE);
        return inbox;
    }

    static long unavailableFrom(List<Presence> inbox, String fullJid) {
        return inbox.stream().filter(p -> p.getType() == Presence.Type.unavailable && p.getFrom() != null
                && p.getFrom().toString().equals(fullJid)).count();
    }

    static boolean availableFrom(List<Presence> inbox, String fullJid) {
        for (int i = inbox.size() - 1; i >= 0; i--) {
            Presence p = inbox.get(i);
            if (p.getFrom() != null && p.getFrom().toString().equals(fullJid)) {
                return p.getType() == Presence.Type.available;
            }
        }
        return false;
    }

    static boolean hasBody(List<Message> inbox, String body) {
        return inbox.stream().anyMatch(m -> body.equals(m.getBody()));
    }

    static void send(XMPPTCPConnection from, String to, Message.Type type, String body) throws Exception {
        from.sendStanza(from.getStanzaFactory().buildMessageStanza().to(JidCreate.from(to)).ofType(type).setBody(body).build());
    }

    static void sendPresence(XMPPTCPConnection client, int priority) throws Exception {
        client.sendStanza(client.getStanzaFactory().buildPresenceStanza().ofType(Presence.Type.available).setPriority(priority).build());
    }

    static final Duration WAIT = Duration.ofSeconds(10);

    /** A client connection without a socket, for sessions bound directly through the session manager. */
    static final class NoSocket implements ClientConnection {
        private final InetSocketAddress address = new InetSocketAddress("127.0.0.1", 5222);
        final List<String> sent = new CopyOnWriteArrayList<>();
        volatile StreamError.Condition closedWith;

        @Override public Executor executor() { return Runnable::run; }
        @Override public void schedule(Runnable task, Duration delay) { task.run(); }
        @Override public InetSocketAddress remoteAddress() { return address; }
        @Override public boolean isSecure() { return true; }
        @Override public boolean isOpen() { return closedWith == null; }
        @Override public void send(String xml) { sent.add(xml); }
        @Override public void startTls(String proceed) { throw new UnsupportedOperationException(); }
        @Override public void restartStream(String success) { throw new UnsupportedOperationException(); }
        @Override public void resumeParsing() { }
        @Override public void closeWithError(StreamError.Condition condition, String text) { closedWith = condition; }
        @Override public void close() { }
    }
}
