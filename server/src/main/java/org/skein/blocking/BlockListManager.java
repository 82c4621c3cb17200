package org.skein.blocking;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.locks.Lock;
import org.dom4j.DocumentHelper;
import org.dom4j.Element;
import org.dom4j.QName;
import org.skein.cache.Cache;
import org.skein.cache.CacheFactory;
import org.skein.config.ConfigException;
import org.skein.config.ServerConfig;
import org.skein.routing.ClientRoute;
import org.skein.routing.RoutingTable;
import org.skein.session.LocalClientSession;
import org.skein.session.SessionInfo;
import org.skein.session.SessionManager;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;

/**
 * Reads, checks and changes block lists (XEP-0191), and sends the block and unblock pushes.
 *
 * <ul>
 *   <li>Reads go through the clustered {@value #CACHE_NAME} cache (username → {@link BlockList}, empty
 *       lists too) over the {@link BlockListStore}. The cache is near-cached on every node, so
 *       {@link #check} (asked for every stanza between users) reads memory.</li>
 *   <li>A change is made under the cache's lock for the user, from the stored list (a near copy may
 *       not show another node's change yet), written to the store and then to the cache; the write
 *       invalidates every node's near copy, so the new list applies on every node as soon as the
 *       invalidation arrives (it is sent at once, not batched).</li>
 *   <li>Pushes go to every resource of the user, on any node, that asked for its block list:
 *       {@value #REQUESTED_CACHE} maps the full JID of such a session to its stream id, written by the
 *       session's node when it asks and removed when the session ends ({@link #sessionEnded}). A full
 *       JID whose session is now another one (a new login, or the node crashed) gets no push. Pushes
 *       leave under the user's lock, so every resource sees the changes in the order they were made.</li>
 * </ul>
 * Blocks on the store: call it from processing threads. Thread-safe.
 */
public final class BlockListManager implements BlockingPolicy {

    /** Username → {@link BlockList}. */
    public static final String CACHE_NAME = "blocklists";
    /** Full JID → stream id of a session that asked for its block list. */
    public static final String REQUESTED_CACHE = "blocking.requested";
    /** The most JIDs one block list holds. */
    public static final String MAX_ITEMS_KEY = "blocking.maxItems";
    static final int DEFAULT_MAX_ITEMS = 1000;
    public static final String NAMESPACE = "urn:xmpp:blocking";

    /** A block that would make the list longer than the limit. */
    public static final class TooManyException extends Exception {
        private static final long serialVersionUID = 1L;

        TooManyException(int limit) {
            super("a block list holds at most " + limit + " JIDs on this server");
        }
    }

    private final String domain;
    private final BlockListStore store;
    private final RoutingTable routingTable;
    private final SessionManager sessions;
    private final Cache<String, BlockList> lists;
    private final Cache<String, String> requested;
    private final int maxItems;

    public BlockListManager(String domain, BlockListStore store, CacheFactory caches, RoutingTable routingTable,
                            SessionManager sessions, int maxItems) {
        this.domain = Objects.requireNonNull(domain, "domain");
        this.store = Objects.requireNonNull(store, "store");
        this.routingTable = Objects.requireNonNull(routingTable, "routingTable");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        if (maxItems < 1) {
            throw new IllegalArgumentException("maxItems must be positive: " + maxItems);
        }
        this.maxItems = maxItems;
        this.lists = caches.createCache(CACHE_NAME);
        this.requested = caches.createCache(REQUESTED_CACHE);
    }

    /** The user's block list (empty if the user blocks nobody). */
    public BlockList blockList(String username) {
        BlockList cached = lists.get(username);
        if (cached != null) {
            return cached;
        }
        BlockList loaded = BlockList.of(store.items(username));
        BlockList raced = lists.putIfAbsent(username, loaded);
        return raced != null ? raced : loaded;
    }

    @Override
    public Verdict check(JID from, JID to) {
        if (from == null || to == null) {
            return Verdict.ALLOWED;
        }
        String fromUser = localUser(from);
        String toUser = localUser(to);
        if (fromUser == null && from.getNode() == null && domain.equals(from.getDomain())) {
            return Verdict.ALLOWED; // the server itself
        }
        if (fromUser != null && fromUser.equals(toUser)) {
            return Verdict.ALLOWED; // between a user's own resources
        }
        if (fromUser != null && blockList(fromUser).blocks(to)) {
            return Verdict.BLOCKED_BY_SENDER;
        }
        if (toUser != null && blockList(toUser).blocks(from)) {
            return Verdict.BLOCKED_BY_RECIPIENT;
        }
        return Verdict.ALLOWED;
    }

    private String localUser(JID jid) {
        return jid.getNode() != null && domain.equals(jid.getDomain()) ? jid.getNode() : null;
    }

    /**
     * Blocks JIDs (normalised, in string form) and pushes the block to the user's interested resources.
     *
     * @return the JIDs that were not blocked before
     * @throws TooManyException if the list would hold more than the limit (nothing changed)
     */
    public Set<String> block(String username, Collection<String> jids) throws TooManyException {
        Lock lock = lists.getLock(username);
        lock.lock();
        try {
            Set<String> stored = store.items(username);
            Set<String> added = new TreeSet<>(jids);
            added.removeAll(stored);
            if (stored.size() + added.size() > maxItems) {
                throw new TooManyException(maxItems);
            }
            if (!added.isEmpty()) {
                store.add(username, added);
            }
            lists.put(username, BlockList.of(stored).with(added));
            push(username, "block", jids);
            return added;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Unblocks JIDs and pushes the unblock to the user's interested resources.
     *
     * @return the JIDs that were blocked before
     */
    public Set<String> unblock(String username, Collection<String> jids) {
        Lock lock = lists.getLock(username);
        lock.lock();
        try {
            Set<String> stored = store.items(username);
            Set<String> removed = new TreeSet<>(jids);
            removed.retainAll(stored);
            if (!removed.isEmpty()) {
                store.remove(username, removed);
            }
            lists.put(username, BlockList.of(stored).without(removed));
            push(username, "unblock", jids);
            return removed;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Empties the user's block list and pushes an unblock of everything.
     *
     * @return the JIDs that were blocked before
     */
    public Set<String> unblockAll(String username) {
        Lock lock = lists.getLock(username);
        lock.lock();
        try {
            Set<String> stored = store.items(username);
            if (!stored.isEmpty()) {
                store.clear(username);
            }
            lists.put(username, BlockList.EMPTY);
            push(username, "unblock", List.of());
            return stored;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The limit {@value #MAX_ITEMS_KEY} of a node's configuration (default 1000).
     *
     * @throws ConfigException if it is not a positive number
     */
    public static int maxItems(ServerConfig config) {
        int value = config.getInt(MAX_ITEMS_KEY, DEFAULT_MAX_ITEMS);
        if (value < 1) {
            throw new ConfigException(config.source() + ": key '" + MAX_ITEMS_KEY + "' is '" + value + "', expected a positive number");
        }
        return value;
    }

    /** Records that a local session asked for its block list: it gets the pushes from now on. */
    public void listRequested(LocalClientSession session) {
        requested.put(session.address().toString(), session.streamId());
    }

    /** A local session ended: it gets no more pushes. */
    public void sessionEnded(LocalClientSession session) {
        requested.remove(session.address().toString(), session.streamId());
    }

    /** Forgets the cached block list of a user (after the account was removed; the database rows went with it). */
    public void evict(String username) {
        lists.remove(username);
    }

    private void push(String username, String change, Collection<String> jids) {
        Element element = DocumentHelper.createElement(QName.get(change, NAMESPACE));
        for (String jid : new TreeSet<>(jids)) {
            element.addElement("item").addAttribute("jid", jid);
        }
        for (Map.Entry<JID, ClientRoute> route : routingTable.routesOf(username + "@" + domain).entrySet()) {
            JID full = route.getKey();
            String streamId = requested.get(full.toString());
            if (streamId == null || !isSessionWithStream(full, streamId)) {
                continue;
            }
            IQ push = new IQ(IQ.Type.set, "push-" + UUID.randomUUID().toString().substring(0, 13));
            push.setTo(full);
            push.setChildElement(element.createCopy());
            routingTable.routeToFullJid(full, push);
        }
    }

    private boolean isSessionWithStream(JID full, String streamId) {
        LocalClientSession local = routingTable.localSession(full);
        if (local != null) {
            return local.streamId().equals(streamId);
        }
        SessionInfo info = sessions.getSessionInfo(full);
        return info == null || info.streamId().isEmpty() || info.streamId().equals(streamId);
    }
}
