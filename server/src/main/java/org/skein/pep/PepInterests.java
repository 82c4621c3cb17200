package org.skein.pep;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.skein.blocking.BlockingPolicy;
import org.skein.caps.CapsListener;
import org.skein.caps.EntityCapabilities;
import org.skein.presence.PresenceListener;
import org.skein.pubsub.AccessControl;
import org.skein.pubsub.Fanout;
import org.skein.pubsub.NodeConfig;
import org.skein.pubsub.NodeDirectory;
import org.skein.pubsub.NodeState;
import org.skein.pubsub.Notifier;
import org.skein.pubsub.PublishedItem;
import org.skein.pubsub.ServiceState;
import org.skein.roster.RosterItem;
import org.skein.roster.RosterManager;
import org.skein.roster.Subscription;
import org.skein.session.LocalClientSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.JID;
import org.xmpp.packet.Presence;

/**
 * What PEP decides on the node that holds a session: whether a notification reaches it, and the last
 * items it gets when its interests grow.
 *
 * <ul>
 *   <li><b>Filter</b> ({@link #deliver}): an implicit recipient (chosen for its presence subscription)
 *       gets a notification only if its current caps list {@code <node>+notify}: the caps as this node
 *       knows them now, so a resource that advertised new caps here gets the next publication from any
 *       node at once.</li>
 *   <li><b>Last items</b> ({@link #featuresChanged}): when a session's caps gain {@code <node>+notify}
 *       (it became available, or it changed its caps), it gets the newest item of that node of its own
 *       account and of every contact whose presence it sees, if the node's access model lets it. The
 *       contacts' PEP states are read past this node's near cache, so a publication committed before
 *       is never missed.</li>
 *   <li><b>Blocking</b> (XEP-0191): no notification, live or last item, reaches a session whose user
 *       blocked the publishing service (a PEP owner) or whom the owner blocked; asked of the
 *       {@link BlockingPolicy} (near-cached block lists) on the node that holds the session.</li>
 *   <li><b>Exactly once</b>: every item notification for a session goes through one lock per session
 *       that remembers the last item sequence numbers it delivered per node; a publication that races a
 *       caps change (the live notification and the last item are the same item) reaches it once.</li>
 * </ul>
 * Thread-safe.
 */
final class PepInterests implements CapsListener, Fanout.LocalDelivery, PresenceListener {

    private static final Logger LOG = LoggerFactory.getLogger(PepInterests.class);

    /** Sequence numbers remembered per session and node: enough to catch the race, bounded. */
    private static final int REMEMBERED = 8;

    private final EntityCapabilities caps;
    private final NodeDirectory directory;
    private final AccessControl access;
    private final RosterManager rosters;
    private final Notifier notifier;
    private final String domain;
    private final BlockingPolicy blocking;
    private final Map<String, Delivered> delivered = new ConcurrentHashMap<>();

    PepInterests(EntityCapabilities caps, NodeDirectory directory, AccessControl access, RosterManager rosters,
                 Notifier notifier, String domain, BlockingPolicy blocking) {
        this.caps = Objects.requireNonNull(caps, "caps");
        this.directory = Objects.requireNonNull(directory, "directory");
        this.access = Objects.requireNonNull(access, "access");
        this.rosters = Objects.requireNonNull(rosters, "rosters");
        this.notifier = Objects.requireNonNull(notifier, "notifier");
        this.domain = Objects.requireNonNull(domain, "domain");
        this.blocking = Objects.requireNonNull(blocking, "blocking");
    }

    @Override
    public boolean deliver(LocalClientSession session, Fanout.Event event, boolean implicit) {
        if (isBlocked(event, session)) {
            return false;
        }
        if (!event.pep()) {
            session.deliverXml(event.xmlTo(session.address().toString()));
            return true;
        }
        if (implicit && !caps.features(session.address()).contains(event.node() + "+notify")) {
            return false;
        }
        if (!event.item()) {
            session.deliverXml(event.xmlTo(session.address().toString()));
            return true;
        }
        Delivered record = record(session);
        synchronized (record) {
            if (!record.first(event.service() + "\n" + event.node(), event.seq())) {
                return false;
            }
            session.deliverXml(event.xmlTo(session.address().toString()));
        }
        return true;
    }

    private boolean isBlocked(Fanout.Event event, LocalClientSession session) {
        JID from;
        try {
            from = new JID(event.service());
        } catch (IllegalArgumentException e) {
            return false;
        }
        return blocking.check(from, session.address()) != BlockingPolicy.Verdict.ALLOWED;
    }

    @Override
    public void featuresChanged(LocalClientSession session, Set<String> before, Set<String> after) {
        Set<String> newly = new HashSet<>();
        for (String feature : after) {
            if (feature.endsWith("+notify") && !before.contains(feature)) {
                newly.add(feature.substring(0, feature.length() - "+notify".length()));
            }
        }
        if (newly.isEmpty() || !session.isAvailable() || session.isClosed()) {
            return;
        }
        String own = session.address().toBareJID();
        List<String> owners = new ArrayList<>();
        owners.add(own);
        try {
            for (RosterItem item : rosters.getRoster(session.username()).items()) {
                if ((item.subscription() == Subscription.TO || item.subscription() == Subscription.BOTH) && isLocalUser(item.jid())
                        && !item.jid().equals(own)) {
                    owners.add(item.jid());
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not read the roster of {} to send it the last PEP items", own, e);
        }
        for (String owner : owners) {
            try {
                sendLastItems(session, owner, newly);
            } catch (RuntimeException e) {
                LOG.warn("Could not send the last PEP items of {} to {}", owner, session.address(), e);
            }
        }
    }

    private void sendLastItems(LocalClientSession session, String owner, Set<String> nodes) {
        ServiceState state = directory.pepState(owner, true);
        if (state.nodes().isEmpty()) {
            return;
        }
        PepService service = new PepService(new org.xmpp.packet.JID(owner, true));
        String requester = session.address().toBareJID();
        for (String name : nodes) {
            NodeState node = state.nodes().get(name);
            PublishedItem last = state.lastItems().get(name);
            if (node == null || last == null || node.config().sendLastPublishedItem() == NodeConfig.SendLastItem.NEVER) {
                continue;
            }
            if (!access.mayAccess(service, node, node.config(), requester)) {
                continue;
            }
            String xml = notifier.lastItem(service, node, last).toXML();
            deliver(session, new Fanout.Event(owner, name, last.seq(), true, true, xml), false);
        }
    }

    @Override
    public void presenceBroadcast(LocalClientSession session, Presence presence, boolean becameAvailable) {
        if (!presence.isAvailable()) {
            Delivered record = delivered.get(session.address().toString());
            if (record != null && record.session == session) {
                delivered.remove(session.address().toString(), record);
            }
        }
    }

    private Delivered record(LocalClientSession session) {
        return delivered.compute(session.address().toString(),
                (k, old) -> old != null && old.session == session ? old : new Delivered(session));
    }

    private boolean isLocalUser(String bareJid) {
        int at = bareJid.indexOf('@');
        return at > 0 && bareJid.indexOf('/') < 0 && domain.equals(bareJid.substring(at + 1));
    }

    /** The item notifications one session got lately, per node. Guarded by its own monitor. */
    private static final class Delivered {
        final LocalClientSession session;
        final Map<String, Deque<Long>> seqs = new HashMap<>();

        Delivered(LocalClientSession session) {
            this.session = session;
        }

        /** Records a sequence number; false if it was delivered already. */
        boolean first(String key, long seq) {
            Deque<Long> recent = seqs.computeIfAbsent(key, k -> new ArrayDeque<>(REMEMBERED));
            if (recent.contains(seq)) {
                return false;
            }
            if (recent.size() == REMEMBERED) {
                recent.removeFirst();
            }
            recent.addLast(seq);
            return true;
        }
    }
}
