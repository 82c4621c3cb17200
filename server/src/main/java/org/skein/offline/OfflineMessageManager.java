package org.skein.offline;

import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Objects;
import org.dom4j.Element;
import org.skein.session.LocalClientSession;
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

    private final OfflineMessageStore store;
    private final String domain;
    private final Clock clock;

    public OfflineMessageManager(OfflineMessageStore store, String domain, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.domain = Objects.requireNonNull(domain, "domain");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Keeps a message for its recipient; {@code false} if the recipient's storage is full. */
    public boolean store(String username, Message message) {
        return store.store(username, clock.instant(), message.toXML());
    }

    /** How many messages wait for the user. */
    public int count(String username) {
        return store.count(username);
    }

    /** Delivers (and removes) every message kept for the session's user. */
    public void deliverTo(LocalClientSession session) {
        List<OfflineMessage> messages = store.takeAll(session.username());
        for (OfflineMessage stored : messages) {
            try {
                Message message = (Message) StanzaParser.parsePacket(stored.stanza());
                Element delay = message.getElement().addElement(org.dom4j.QName.get("delay", Namespaces.DELAY));
                delay.addAttribute("from", domain);
                delay.addAttribute("stamp", DateTimeFormatter.ISO_INSTANT.format(stored.stamp()));
                session.deliver(message);
            } catch (RuntimeException e) {
                LOG.warn("Dropping an unreadable offline message {} for {}", stored.id(), session.username(), e);
            }
        }
    }
}
