package org.skein.offline;

import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import org.dom4j.Element;
import org.skein.session.LocalClientSession;
import org.skein.session.MessageHold;
import org.skein.xmpp.Namespaces;
import org.skein.xmpp.stream.StanzaParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.Message;

/**
 * Offline messages (XEP-0160): keeps chat and normal messages for users with no available resource in
 * the {@link OfflineMessageStore}, and delivers them, oldest first and with an XEP-0203 delay stamp,
 * when one of the user's resources sends available presence with a non-negative priority.
 *
 * <p>Blocks on the store: call it from processing threads. Thread-safe.
 */
public final class OfflineMessageManager {

    private static final Logger LOG = LoggerFactory.getLogger(OfflineMessageManager.class);

    /** Offline messages are read and removed in pages of at most this many messages... */
    static final int PAGE_MESSAGES = 100;
    /** ...and at most this many bytes of stanzas. */
    static final long PAGE_BYTES = 256 * 1024;

    private final OfflineMessageStore store;
    private final String domain;
    private final Clock clock;

    public OfflineMessageManager(OfflineMessageStore store, String domain, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.domain = Objects.requireNonNull(domain, "domain");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Keeps a message for its recipient and tells where.
     *
     * @return the message's id in storage, or {@code -1} if the recipient's storage is full
     */
    public long add(String username, Message message) {
        return store.add(username, clock.instant(), message.toXML());
    }

    /** Takes a kept message back, if no delivery has taken it yet: {@code true} if the caller now owns it. */
    public boolean takeBack(String username, long id) {
        return store.removeIfPresent(username, id);
    }

    /** Keeps a message for its recipient; {@code false} if the recipient's storage is full. */
    public boolean store(String username, Message message) {
        return store.store(username, clock.instant(), message.toXML());
    }

    /** How many messages wait for the user. */
    public int count(String username) {
        return store.count(username);
    }

    /**
     * Delivers the messages kept for the session's user, oldest first, a page at a time, each page
     * removed once it was handed to the connection. The session's {@link MessageHold} keeps live chat
     * and normal messages behind them: what it held since the bind, and what arrives meanwhile, is
     * appended to storage and delivered in turn; the session goes live once storage is empty. If the
     * client does not read fast enough (its connection is backlogged), the delivery stops with the rest
     * still stored and the hold still draining; the session calls it again when its client reads again.
     */
    public void deliverTo(LocalClientSession session) {
        String username = session.username();
        MessageHold hold = session.hold();
        hold.beginDraining();
        do {
            // each pass reads from the oldest: a message committed after a later one (another node's write) may
            // have appeared behind the cursor of the previous pass, and storage is not empty until it is delivered
            long after = 0;
            List<OfflineMessage> page;
            while (!gone(session) && !backlogged(session) && !(page = store.page(username, after, PAGE_MESSAGES, PAGE_BYTES)).isEmpty()) {
                // claimed before they are handed over: a sender's node that stored one of them just as this
                // session came online can no longer take it back to deliver it live as well
                Set<Long> claimed = store.claim(username, page.stream().map(OfflineMessage::id).toList());
                int handed = 0;
                for (OfflineMessage stored : page) {
                    if (backlogged(session)) {
                        break; // the rest waits until the client reads again
                    }
                    Message message = claimed.contains(stored.id()) ? withDelay(stored, username) : null;
                    if (message != null) {
                        session.deliverPastHold(message);
                    }
                    handed++;
                }
                if (gone(session)) {
                    return; // the page stays stored: the connection went while it was written
                }
                store.remove(username, page.subList(0, handed).stream().map(OfflineMessage::id).toList());
                if (handed < page.size()) {
                    return;
                }
                after = page.get(page.size() - 1).id();
            }
            if (gone(session) || backlogged(session)) {
                return;
            }
        } while (!hold.finishDraining(() -> store.page(username, 0, 1, PAGE_BYTES).isEmpty())); // the rows, not the quota's count
    }

    /**
     * Delivers what waits in storage to sessions that are live already: messages kept while the
     * cluster was split (their sender's side did not reach the recipient) would otherwise wait for the
     * user's next login. Only sessions that had their offline messages and went live are concerned; a
     * session whose delivery is under way is left to it. Each delivery runs on its session's connection
     * executor, where the login's delivery and the slow-consumer policy's run too: two deliveries to one
     * session never overlap (they would both hand over the same page).
     *
     * @return how many sessions were given a delivery
     */
    public int deliverToLiveSessions(Collection<LocalClientSession> sessions) {
        List<LocalClientSession> live = sessions.stream()
                .filter(s -> !gone(s) && s.isOfflineMessagesDelivered() && s.isAvailable() && s.hold().isLive())
                .toList();
        if (live.isEmpty()) {
            return 0;
        }
        Set<String> waiting = store.withMessages(live.stream().map(LocalClientSession::username).toList());
        int delivered = 0;
        for (LocalClientSession session : live) {
            if (waiting.contains(session.username()) && session.hold().reopen()) {
                LOG.info("Messages kept offline for {} while it was online: delivering them now", session.address());
                try {
                    session.connection().executor().execute(() -> deliverReopened(session));
                    delivered++;
                } catch (RejectedExecutionException e) {
                    session.hold().finishDraining(() -> true); // the node is stopping: they wait for the next login
                }
            }
        }
        return delivered;
    }

    private void deliverReopened(LocalClientSession session) {
        try {
            deliverTo(session);
        } catch (RuntimeException e) {
            LOG.warn("Delivering the messages kept offline for {} failed; they wait for its next login", session.address(), e);
            session.hold().finishDraining(() -> true); // live again: nothing new may wait behind a failed delivery
        }
    }

    private static boolean gone(LocalClientSession session) {
        return session.isClosed() || !session.connection().isOpen();
    }

    private static boolean backlogged(LocalClientSession session) {
        return session.connection().isBacklogged();
    }

    private Message withDelay(OfflineMessage stored, String username) {
        try {
            Message message = (Message) StanzaParser.parsePacket(stored.stanza());
            Element delay = message.getElement().addElement(org.dom4j.QName.get("delay", Namespaces.DELAY));
            delay.addAttribute("from", domain);
            delay.addAttribute("stamp", DateTimeFormatter.ISO_INSTANT.format(stored.stamp()));
            return message;
        } catch (RuntimeException e) {
            LOG.warn("Dropping an unreadable offline message {} for {}", stored.id(), username, e);
            return null;
        }
    }
}
