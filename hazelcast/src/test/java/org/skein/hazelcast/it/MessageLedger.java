package org.skein.hazelcast.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.core.ConditionTimeoutException;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.delay.packet.DelayInformation;
import org.jxmpp.jid.impl.JidCreate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-message accounting of one fault scenario, from the clients' side: every message sent is numbered
 * per sender and recipient and given its own stanza id; the recipients' connections report what they
 * read. Each message ends as one of
 * <ul>
 *   <li><b>live</b>: its first copy came without a delay stamp;</li>
 *   <li><b>offline</b>: its first copy came from offline storage (with a XEP-0203 delay stamp);</li>
 *   <li><b>bounced</b>: its sender got an error for it whose condition a client can read (an
 *       {@code <error/>} in the {@code jabber:client} namespace with a defined condition);</li>
 *   <li><b>lost</b>: none of these.</li>
 * </ul>
 * and every copy after the first (or a copy of a bounced message) counts as <b>duplicated</b>. Order is
 * checked per sender and recipient: a first copy with a lower number than one read before it is out of
 * order. A scenario asserts lost, duplicated, unreadable bounces and out-of-order are all zero, and logs
 * the figures on one line ({@link #summary()}).
 */
final class MessageLedger {

    private static final Logger LOG = LoggerFactory.getLogger(MessageLedger.class);

    /** A message sent: who to whom, its number in that pair's sequence. */
    private record Sent(String sender, String recipient, long number) {
    }

    /** A copy read by a recipient's connection. */
    private record Copy(String id, boolean delayed) {
    }

    /** The figures of a scenario. */
    record Figures(long sent, long live, long offline, long bounced, long unreadableBounces, long duplicated, long lost,
                   long outOfOrder, long knownOutOfOrder) {
    }

    private final String scenario;
    private final Map<String, Sent> sent = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();
    private final List<Copy> copies = new CopyOnWriteArrayList<>();
    private final Map<String, StanzaError> bounces = new ConcurrentHashMap<>();
    private final List<String> extraBounces = new CopyOnWriteArrayList<>();
    private final List<String> inversions = new CopyOnWriteArrayList<>();
    private final Map<String, String> orderNotAsserted = new ConcurrentHashMap<>();

    MessageLedger(String scenario) {
        this.scenario = scenario;
    }

    /** Reads what a recipient's connection receives (add it before the connection logs in, to see offline messages). */
    void watchRecipient(XMPPTCPConnection connection) {
        connection.addSyncStanzaListener(stanza -> {
            Message message = (Message) stanza;
            String id = message.getStanzaId();
            if (message.getType() != Message.Type.error && id != null && id.startsWith(scenario + "-")) {
                copies.add(new Copy(id, DelayInformation.from(message) != null));
            }
        }, StanzaTypeFilter.MESSAGE);
    }

    /** Reads the errors a sender's connection gets back for its messages. */
    void watchSender(XMPPTCPConnection connection) {
        connection.addSyncStanzaListener(stanza -> {
            Message message = (Message) stanza;
            String id = message.getStanzaId();
            if (message.getType() == Message.Type.error && id != null && id.startsWith(scenario + "-")) {
                StanzaError error = message.getError();
                if (bounces.putIfAbsent(id, error == null ? UNREADABLE : error) != null) {
                    extraBounces.add(id);
                }
            }
        }, StanzaTypeFilter.MESSAGE);
    }

    /** The placeholder for an error element a client could not read. */
    private static final StanzaError UNREADABLE = StanzaError.getBuilder(StanzaError.Condition.undefined_condition).build();

    /**
     * Sends the next message of {@code sender} to {@code to} (a full or bare JID of user {@code recipient}).
     */
    void send(XMPPTCPConnection from, String sender, String recipient, String to) throws Exception {
        String pair = sender + ">" + recipient;
        long number = counters.computeIfAbsent(pair, p -> new AtomicLong()).incrementAndGet();
        String id = scenario + "-" + pair + "-" + number;
        sent.put(id, new Sent(sender, recipient, number));
        from.sendStanza(org.jivesoftware.smack.packet.StanzaBuilder.buildMessage(id).to(JidCreate.from(to))
                .ofType(Message.Type.chat).setBody(id + " to " + to).build());
    }

    /**
     * The order of this pair is counted apart and not asserted (a known gap, named in the summary).
     */
    void orderNotAsserted(String sender, String recipient, String why) {
        orderNotAsserted.put(sender + ">" + recipient, why);
    }

    /** How many messages were sent so far. */
    int sentCount() {
        return sent.size();
    }

    /** Waits until every message sent has come (live or offline) or bounced. */
    void awaitAccountedFor(Duration atMost) {
        try {
            await(scenario + ": every message delivered or bounced").atMost(atMost).pollInterval(Duration.ofMillis(100))
                    .untilAsserted(() -> assertThat(missing()).as("messages neither delivered nor bounced").isEmpty());
        } catch (ConditionTimeoutException e) {
            summary(); // the figures so far, for the one reading the failure
            throw e;
        }
    }

    private List<String> missing() {
        java.util.Set<String> seen = new java.util.HashSet<>();
        copies.forEach(c -> seen.add(c.id()));
        List<String> missing = new ArrayList<>();
        for (String id : sent.keySet()) {
            if (!seen.contains(id) && !bounces.containsKey(id)) {
                missing.add(id);
            }
        }
        missing.sort(null);
        return missing.size() > 20 ? missing.subList(0, 20) : missing;
    }

    Figures figures() {
        Map<String, Copy> first = new LinkedHashMap<>();
        long duplicated = 0;
        for (Copy copy : copies) {
            if (first.putIfAbsent(copy.id(), copy) != null) {
                duplicated++;
            }
        }
        long live = 0;
        long offline = 0;
        for (Copy copy : first.values()) {
            if (copy.delayed()) {
                offline++;
            } else {
                live++;
            }
        }
        long bounced = 0;
        long unreadable = 0;
        for (Map.Entry<String, StanzaError> bounce : bounces.entrySet()) {
            if (first.containsKey(bounce.getKey())) {
                duplicated++; // delivered and bounced as well
            } else if (bounce.getValue() == UNREADABLE || bounce.getValue().getCondition() == null) {
                unreadable++;
            } else {
                bounced++;
            }
        }
        duplicated += extraBounces.size();
        long lost = sent.keySet().stream().filter(id -> !first.containsKey(id) && !bounces.containsKey(id)).count();
        // order per sender and recipient, in the order the recipient's connections read the first copies
        Map<String, Long> highest = new HashMap<>();
        long outOfOrder = 0;
        long knownOutOfOrder = 0;
        inversions.clear();
        for (String id : first.keySet()) {
            Sent message = sent.get(id);
            if (message == null) {
                continue; // not one of ours
            }
            String pair = message.sender() + ">" + message.recipient();
            long before = highest.getOrDefault(pair, 0L);
            if (message.number() < before && orderNotAsserted.containsKey(pair)) {
                knownOutOfOrder++;
            } else if (message.number() < before) {
                outOfOrder++;
                if (inversions.size() < 10) {
                    inversions.add(id + " (" + (first.get(id).delayed() ? "offline" : "live") + ") after " + pair + "-" + before);
                }
            } else {
                highest.put(pair, message.number());
            }
        }
        return new Figures(sent.size(), live, offline, bounced, unreadable, duplicated, lost, outOfOrder, knownOutOfOrder);
    }

    /** The figures on one line, logged and returned. */
    String summary() {
        Figures f = figures();
        String line = String.format("FAULT %s: sent %d, delivered live %d, from offline storage %d, bounced with a readable error %d, "
                        + "bounced unreadable %d, duplicated %d, lost %d, out of order per sender %d%s", scenario, f.sent(), f.live(),
                f.offline(), f.bounced(), f.unreadableBounces(), f.duplicated(), f.lost(), f.outOfOrder(),
                orderNotAsserted.isEmpty() ? "" : " (and " + f.knownOutOfOrder() + " in pairs not asserted: " + orderNotAsserted + ")");
        LOG.info(line);
        System.out.println(line);
        return line;
    }

    /** Asserts the scenario's promises: nothing lost, nothing twice, every error readable, each sender's order kept. */
    void assertEveryMessageOnceInOrder() {
        String line = summary();
        Figures f = figures();
        assertThat(f.lost()).as("lost: " + line).isZero();
        assertThat(f.duplicated()).as("duplicated: " + line).isZero();
        assertThat(f.unreadableBounces()).as("bounced with an unreadable error: " + line).isZero();
        assertThat(f.outOfOrder()).as("out of order: " + line + "; first inversions " + inversions).isZero();
        assertThat(f.live() + f.offline() + f.bounced()).as(line).isEqualTo(f.sent());
    }
}
