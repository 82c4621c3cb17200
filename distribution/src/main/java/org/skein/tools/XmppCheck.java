package org.skein.tools;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.jivesoftware.smack.ConnectionConfiguration.SecurityMode;
import org.jivesoftware.smack.SmackException;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.roster.RosterEntry;
import org.jivesoftware.smack.roster.SubscribeListener;
import org.jivesoftware.smack.roster.packet.RosterPacket;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.EntityFullJid;

/**
 * The check a new user runs against a cluster: one user logs in to one node and another user to
 * another node (real XMPP clients, TLS required); the first sends numbered messages to the second's
 * full JID, who answers each, and the round trips are measured; then they become subscribed to each
 * other if they are not yet, the second user's new presence must reach the first, and the first's
 * presence the second. Every wait is bounded by {@code --timeout}; a failure says which step failed.
 */
final class XmppCheck {

    private final String domain;
    private final Side first;
    private final Side second;
    private final Path trust;
    private final int messages;
    private final Duration timeout;
    private final String nonce;

    private record Side(String user, String password, Options.HostPort server) {
    }

    private XmppCheck(String domain, Side first, Side second, Path trust, int messages, Duration timeout) {
        this.domain = domain;
        this.first = first;
        this.second = second;
        this.trust = trust;
        this.messages = messages;
        this.timeout = timeout;
        byte[] random = new byte[3];
        new SecureRandom().nextBytes(random);
        this.nonce = HexFormat.of().formatHex(random);
    }

    static XmppCheck fromOptions(Options options) throws Options.UsageException {
        Properties accounts = options.accounts();
        String file = options.required("accounts");
        String user1 = options.required("user1");
        String user2 = options.required("user2");
        if (user1.equalsIgnoreCase(user2)) {
            throw new Options.UsageException("--user1 and --user2 must be two different users");
        }
        Side first = new Side(user1, Options.password(accounts, user1, file), options.hostPort("server1"));
        Side second = new Side(user2, Options.password(accounts, user2, file), options.hostPort("server2"));
        Path trust = options.optional("trust").map(Path::of).orElse(null);
        return new XmppCheck(options.optional("domain").orElse("localhost"), first, second, trust,
                options.number("messages", 10, 1, 10_000), options.seconds("timeout", 20));
    }

    int run(PrintStream out) throws InterruptedException {
        out.printf("Skein check: %s@%s on %s, %s@%s on %s%n", first.user, domain, first.server, second.user, domain, second.server);
        List<XMPPTCPConnection> connections = new ArrayList<>();
        try {
            X509TrustManager trustManager = trust == null ? null : trustManager(trust);
            XMPPTCPConnection one = login(first, trustManager, out);
            connections.add(one);
            XMPPTCPConnection two = login(second, trustManager, out);
            connections.add(two);
            messages(one, two, out);
            subscribe(one, two, out);
            presence(one, two, out);
            out.printf("OK: messages and presence went both ways between %s and %s%n", first.server, second.server);
            return SkeinTools.OK;
        } catch (CheckFailed e) {
            out.println("FAILED: " + e.getMessage());
            return SkeinTools.FAILED;
        } finally {
            for (XMPPTCPConnection connection : connections) {
                connection.disconnect();
            }
        }
    }

    private XMPPTCPConnection login(Side side, X509TrustManager trustManager, PrintStream out) throws CheckFailed, InterruptedException {
        long started = System.nanoTime();
        XMPPTCPConnection connection;
        try {
            XMPPTCPConnectionConfiguration.Builder config = XMPPTCPConnectionConfiguration.builder()
                    .setXmppDomain(domain)
                    .setHostAddress(InetAddress.getByName(side.server.host()))
                    .setPort(side.server.port())
                    .setSecurityMode(SecurityMode.required)
                    .setUsernameAndPassword(side.user, side.password)
                    .setResource("check-" + nonce)
                    .setConnectTimeout((int) timeout.toMillis());
            if (trustManager != null) {
                config.setCustomX509TrustManager(trustManager);
            }
            connection = new XMPPTCPConnection(config.build());
            connection.setReplyTimeout(timeout.toMillis());
            connection.connect().login();
        } catch (IOException | SmackException | XMPPException e) {
            throw new CheckFailed(side.user + " could not log in to " + side.server + ": " + describe(e));
        }
        out.printf("  login     %s in %s%n", connection.getUser(), millis(System.nanoTime() - started));
        return connection;
    }

    /** Makes the two users subscribed to each other (kept in their rosters, so only the first run does it). */
    private void subscribe(XMPPTCPConnection one, XMPPTCPConnection two, PrintStream out) throws CheckFailed, InterruptedException {
        Roster rosterOne = Roster.getInstanceFor(one);
        Roster rosterTwo = Roster.getInstanceFor(two);
        BareJid jidOne = one.getUser().asBareJid();
        BareJid jidTwo = two.getUser().asBareJid();
        awaitTrue(() -> rosterOne.isLoaded() && rosterTwo.isLoaded(), "the rosters did not load");
        if (mutual(rosterOne, jidTwo) && mutual(rosterTwo, jidOne)) {
            out.printf("  roster    %s and %s are subscribed to each other%n", jidOne, jidTwo);
            return;
        }
        long started = System.nanoTime();
        // one direction after the other: each request is answered before the next is sent
        rosterTwo.addSubscribeListener((from, request) -> SubscribeListener.SubscribeAnswer.Approve);
        rosterOne.addSubscribeListener((from, request) -> SubscribeListener.SubscribeAnswer.Approve);
        if (!subscribedTo(rosterOne, jidTwo)) {
            request(rosterOne, jidTwo, second.user, first.user);
        }
        awaitSubscription(rosterOne, jidTwo, rosterTwo, jidOne, () -> subscribedTo(rosterOne, jidTwo) && subscribedFrom(rosterTwo, jidOne));
        if (!subscribedTo(rosterTwo, jidOne)) {
            request(rosterTwo, jidOne, first.user, second.user);
        }
        awaitSubscription(rosterOne, jidTwo, rosterTwo, jidOne, () -> mutual(rosterOne, jidTwo) && mutual(rosterTwo, jidOne));
        out.printf("  roster    %s and %s subscribed to each other in %s%n", jidOne, jidTwo, millis(System.nanoTime() - started));
    }

    private void request(Roster roster, BareJid contact, String contactName, String user) throws CheckFailed, InterruptedException {
        try {
            if (roster.getEntry(contact) == null) {
                roster.createItemAndRequestSubscription(contact, contactName, null);
            } else {
                roster.sendSubscriptionRequest(contact);
            }
        } catch (SmackException | XMPPException e) {
            throw new CheckFailed(user + " could not ask " + contact + " for a subscription: " + describe(e));
        }
    }

    private void awaitSubscription(Roster rosterOne, BareJid jidTwo, Roster rosterTwo, BareJid jidOne, BooleanSupplier done)
            throws CheckFailed, InterruptedException {
        try {
            awaitTrue(done, "the subscription between " + jidOne + " and " + jidTwo + " did not complete");
        } catch (CheckFailed e) {
            throw new CheckFailed(e.getMessage() + ": " + first.user + "'s roster has " + describe(rosterOne, jidTwo) + ", "
                    + second.user + "'s roster has " + describe(rosterTwo, jidOne)
                    + " (subscription requests and answers do not cross between the nodes)");
        }
    }

    private static boolean subscribedTo(Roster roster, BareJid contact) {
        RosterEntry entry = roster.getEntry(contact);
        return entry != null && (entry.getType() == RosterPacket.ItemType.to || entry.getType() == RosterPacket.ItemType.both);
    }

    private static boolean subscribedFrom(Roster roster, BareJid contact) {
        RosterEntry entry = roster.getEntry(contact);
        return entry != null && (entry.getType() == RosterPacket.ItemType.from || entry.getType() == RosterPacket.ItemType.both);
    }

    private static String describe(Roster roster, BareJid contact) {
        RosterEntry entry = roster.getEntry(contact);
        return entry == null ? "no item for " + contact
                : contact + " with subscription '" + entry.getType() + "'" + (entry.isSubscriptionPending() ? " (asked)" : "");
    }

    private static boolean mutual(Roster roster, BareJid contact) {
        RosterEntry entry = roster.getEntry(contact);
        return entry != null && entry.getType() == RosterPacket.ItemType.both;
    }

    /** The second user's new presence (with a fresh status) reaches the first; the first's reaches the second. */
    private void presence(XMPPTCPConnection one, XMPPTCPConnection two, PrintStream out) throws CheckFailed, InterruptedException {
        EntityFullJid jidOne = one.getUser();
        EntityFullJid jidTwo = two.getUser();
        String status = "skein check " + nonce;
        BlockingQueue<Long> seen = new LinkedBlockingQueue<>();
        one.addAsyncStanzaListener(stanza -> {
            Presence presence = (Presence) stanza;
            if (jidTwo.equals(presence.getFrom()) && presence.isAvailable() && status.equals(presence.getStatus())) {
                seen.add(System.nanoTime());
            }
        }, StanzaTypeFilter.PRESENCE);
        long sent = System.nanoTime();
        try {
            two.sendStanza(two.getStanzaFactory().buildPresenceStanza().ofType(Presence.Type.available).setStatus(status).build());
        } catch (SmackException.NotConnectedException e) {
            throw new CheckFailed(second.user + " lost the connection: " + describe(e));
        }
        Long arrived = seen.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (arrived == null) {
            throw new CheckFailed(jidOne + " did not see the presence of " + jidTwo + " (\"" + status + "\") within "
                    + timeout.toSeconds() + " s: presence does not cross from " + second.server + " to " + first.server);
        }
        out.printf("  presence  %s -> %s: \"%s\" arrived after %s%n", jidTwo, jidOne, status, millis(arrived - sent));
        Roster rosterTwo = Roster.getInstanceFor(two);
        awaitTrue(() -> rosterTwo.getPresenceResource(jidOne).isAvailable(),
                jidTwo + " does not see " + jidOne + " available: presence does not cross from " + first.server + " to " + second.server);
        out.printf("  presence  %s -> %s: available%n", jidOne, jidTwo);
    }

    /** Numbered messages from the first user, each answered by the second; the round trips are measured. */
    private void messages(XMPPTCPConnection one, XMPPTCPConnection two, PrintStream out) throws CheckFailed, InterruptedException {
        EntityFullJid jidOne = one.getUser();
        EntityFullJid jidTwo = two.getUser();
        String ping = "ping " + nonce + " ";
        String pong = "pong " + nonce + " ";
        two.addAsyncStanzaListener(stanza -> {
            Message message = (Message) stanza;
            String body = message.getBody();
            if (jidOne.equals(message.getFrom()) && body != null && body.startsWith(ping)) {
                try {
                    two.sendStanza(two.getStanzaFactory().buildMessageStanza().to(message.getFrom()).ofType(Message.Type.chat)
                            .setBody(pong + body.substring(ping.length())).build());
                } catch (SmackException.NotConnectedException e) {
                    // the first user then sees no answer and reports it
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, StanzaTypeFilter.MESSAGE);
        BlockingQueue<String> answers = new LinkedBlockingQueue<>();
        one.addAsyncStanzaListener(stanza -> {
            Message message = (Message) stanza;
            if (jidTwo.equals(message.getFrom()) && message.getBody() != null && message.getBody().startsWith(pong)) {
                answers.add(message.getBody().substring(pong.length()));
            } else if (message.getType() == Message.Type.error) {
                answers.add("error: " + message.toXML());
            }
        }, StanzaTypeFilter.MESSAGE);

        long[] roundTrips = new long[messages];
        for (int i = 0; i < messages; i++) {
            long sent = System.nanoTime();
            try {
                one.sendStanza(one.getStanzaFactory().buildMessageStanza().to(jidTwo).ofType(Message.Type.chat)
                        .setBody(ping + i).build());
            } catch (SmackException.NotConnectedException e) {
                throw new CheckFailed(first.user + " lost the connection: " + describe(e));
            }
            String answer = answers.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            long received = System.nanoTime();
            if (answer == null) {
                throw new CheckFailed("message " + (i + 1) + " from " + jidOne + " to " + jidTwo + " got no answer within "
                        + timeout.toSeconds() + " s: messages do not cross between " + first.server + " and " + second.server);
            }
            if (!answer.equals(Integer.toString(i))) {
                throw new CheckFailed("message " + (i + 1) + " from " + jidOne + " to " + jidTwo + " got a wrong answer: " + answer);
            }
            roundTrips[i] = received - sent;
        }
        out.printf("  message   %s -> %s -> back: %s%n", jidOne, jidTwo, RoundTrips.of(roundTrips).describe());
    }

    private void awaitTrue(BooleanSupplier condition, String failure) throws CheckFailed, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new CheckFailed(failure + " (waited " + timeout.toSeconds() + " s)");
            }
            // a client-side poll of the roster's state: Smack updates it on its own threads
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    private static X509TrustManager trustManager(Path pem) throws CheckFailed {
        try (InputStream in = Files.newInputStream(pem)) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int n = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("trusted-" + n++, certificate);
            }
            if (n == 0) {
                throw new CheckFailed("--trust: " + pem + " holds no certificate");
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return (X509TrustManager) factory.getTrustManagers()[0];
        } catch (IOException | GeneralSecurityException e) {
            throw new CheckFailed("--trust: cannot read the certificates in " + pem + ": " + e.getMessage());
        }
    }

    static String millis(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.1f ms", nanos / 1_000_000.0);
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        Throwable cause = e.getCause();
        if (cause != null && cause != e && cause.getMessage() != null && (message == null || !message.contains(cause.getMessage()))) {
            message = (message == null ? "" : message + ": ") + cause.getMessage();
        }
        return e.getClass().getSimpleName() + (message == null ? "" : " (" + message + ")");
    }

    /** A step of the check failed; the message says which and what it suggests. */
    static final class CheckFailed extends Exception {
        private static final long serialVersionUID = 1L;

        CheckFailed(String message) {
            super(message);
        }
    }
}
