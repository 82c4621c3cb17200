package org.skein.caps;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.dom4j.Element;
import org.dom4j.QName;
import org.skein.cache.Cache;
import org.skein.cache.CacheFactory;
import org.skein.iq.IqRequests;
import org.skein.presence.PresenceListener;
import org.skein.session.LocalClientSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.Presence;

/**
 * Entity capabilities (XEP-0115) of this node's sessions: what each available client can do, from the
 * {@code <c xmlns="http://jabber.org/protocol/caps"/>} of its presence.
 *
 * <ul>
 *   <li>A verified hash's features are in the clustered cache {@value #CACHE} ({@code "<hash> <ver>"} →
 *       {@link CapsFeatures}), which every node reads: a client version is asked about once for the
 *       whole cluster. Its values never change (the hash names them), so a near cache of it is always
 *       right.</li>
 *   <li>An unknown hash: the node asks the client ({@code disco#info} with {@code node="node#ver"}),
 *       computes the verification string of the answer ({@link CapsHash}) and, if it matches, puts the
 *       features into the cache. Several sessions with the same unknown hash wait for one question.
 *       An answer that does not match, a hash function this server does not know, or caps without a
 *       {@code hash} (the legacy format) give features for that session only, never shared.</li>
 *   <li>A session's features are known only on its node ({@link #features}); {@link CapsListener}s
 *       hear when they change, and when they become empty (the session went unavailable).</li>
 * </ul>
 * Thread-safe.
 */
public final class EntityCapabilities implements PresenceListener {

    private static final Logger LOG = LoggerFactory.getLogger(EntityCapabilities.class);

    /** {@code "<hash> <ver>"} → the verified features. */
    public static final String CACHE = "caps.features";

    static final String CAPS = "http://jabber.org/protocol/caps";

    private final Cache<String, CapsFeatures> cache;
    private final IqRequests requests;
    private final Duration timeout;
    private final Map<String, SessionCaps> sessions = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Optional<Set<String>>>> asking = new ConcurrentHashMap<>();
    private final List<CapsListener> listeners = new CopyOnWriteArrayList<>();

    /**
     * @param requests sends the server's questions to clients
     * @param timeout how long a client may take to answer
     */
    public EntityCapabilities(CacheFactory caches, IqRequests requests, Duration timeout) {
        this.cache = caches.createCache(CACHE);
        this.requests = Objects.requireNonNull(requests, "requests");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /** Adds a listener for changes of local sessions' features. */
    public void addListener(CapsListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** The known features of an available session of this node (empty if unknown, not available, or not here). */
    public Set<String> features(JID fullJid) {
        SessionCaps state = sessions.get(fullJid.toString());
        return state == null ? Set.of() : state.features;
    }

    /** The features of a verified hash, as the cluster knows them. */
    public Optional<Set<String>> verified(String hash, String ver) {
        CapsFeatures features = cache.get(key(hash, ver));
        return features == null ? Optional.empty() : Optional.of(features.features());
    }

    @Override
    public void presenceBroadcast(LocalClientSession session, Presence presence, boolean becameAvailable) {
        String full = session.address().toString();
        if (!presence.isAvailable()) {
            SessionCaps gone = sessions.remove(full);
            if (gone != null && gone.session == session) {
                synchronized (gone) {
                    gone.closed = true;
                    change(gone, Set.of());
                }
            }
            return;
        }
        Element c = presence.getElement().element(QName.get("c", CAPS));
        SessionCaps state = sessions.compute(full, (k, old) -> old == null || old.session != session ? new SessionCaps(session) : old);
        if (c == null) {
            return; // no caps in this presence: what the session advertised before stays
        }
        String node = c.attributeValue("node");
        String ver = c.attributeValue("ver");
        String hash = c.attributeValue("hash");
        if (ver == null || ver.isEmpty() || node == null) {
            return;
        }
        boolean shared = CapsHash.supports(hash);
        String key = shared ? key(hash, ver) : "legacy " + node + "#" + ver;
        synchronized (state) {
            if (key.equals(state.key)) {
                return;
            }
            state.key = key;
            if (shared) {
                CapsFeatures known = cache.get(key);
                if (known != null) {
                    change(state, known.features());
                    return;
                }
            }
        }
        CompletableFuture<Optional<Set<String>>> answer;
        if (shared) {
            answer = asking.computeIfAbsent(key, k -> ask(session.address(), node, ver, hash, k));
        } else {
            answer = ask(session.address(), node, ver, null, key);
        }
        answer.whenComplete((features, failure) -> {
            if (features != null && features.isPresent()) {
                apply(state, key, features.get());
            } else if (shared && failure == null) {
                // the answer did not match its hash: whoever sent it gets its features for itself
                askForOneSession(state, node, ver, key);
            }
        });
    }

    /** Asks one client; the future holds the features if they verify (or, unshared, whatever it answered). */
    private CompletableFuture<Optional<Set<String>>> ask(JID client, String node, String ver, String hash, String key) {
        IQ question = new IQ(IQ.Type.get);
        question.setTo(client);
        question.setChildElement("query", CapsHash.DISCO_INFO).addAttribute("node", node + "#" + ver);
        CompletableFuture<Optional<Set<String>>> result = requests.send(question, timeout).handle((answer, failure) -> {
            if (failure != null) {
                LOG.debug("{} did not tell its features for {}#{}: {}", client, node, ver, failure.toString());
                return Optional.<Set<String>>empty();
            }
            return readAnswer(client, answer, ver, hash, key);
        });
        if (hash != null) {
            result.whenComplete((r, e) -> asking.remove(key, result));
        }
        return result;
    }

    private Optional<Set<String>> readAnswer(JID client, IQ answer, String ver, String hash, String key) {
        Element query = answer.getType() == IQ.Type.result ? answer.getChildElement() : null;
        if (query == null || !CapsHash.DISCO_INFO.equals(query.getNamespaceURI())) {
            LOG.debug("{} answered the question for its features with {}", client, answer.getType());
            return Optional.empty();
        }
        Set<String> features = featuresOf(query);
        if (hash == null) {
            return Optional.of(features);
        }
        Optional<String> computed = CapsHash.verificationString(query, hash);
        if (computed.isEmpty() || !computed.get().equals(ver)) {
            LOG.info("The features {} sent do not match its caps hash {} (computed {}); they are not shared", client, ver,
                    computed.orElse("none: invalid answer"));
            return Optional.empty();
        }
        cache.putIfAbsent(key, new CapsFeatures(features));
        return Optional.of(features);
    }

    /** A shared hash whose answer did not verify: the session that presents it gets what it says, for itself. */
    private void askForOneSession(SessionCaps state, String node, String ver, String key) {
        if (state.closed || !key.equals(state.key)) {
            return;
        }
        ask(state.session.address(), node, ver, null, key).thenAccept(features -> features.ifPresent(f -> apply(state, key, f)));
    }

    private void apply(SessionCaps state, String key, Set<String> features) {
        synchronized (state) {
            if (!state.closed && key.equals(state.key)) {
                change(state, features);
            }
        }
    }

    /** Sets a session's features and tells the listeners; the caller holds the state's lock. */
    private void change(SessionCaps state, Set<String> features) {
        Set<String> before = state.features;
        if (before.equals(features)) {
            return;
        }
        state.features = Set.copyOf(features);
        for (CapsListener listener : listeners) {
            try {
                listener.featuresChanged(state.session, before, state.features);
            } catch (RuntimeException e) {
                LOG.warn("A caps listener failed for {}", state.session.address(), e);
            }
        }
    }

    private static Set<String> featuresOf(Element query) {
        Set<String> features = new java.util.HashSet<>();
        for (Element feature : query.elements("feature")) {
            String var = feature.attributeValue("var");
            if (var != null) {
                features.add(var);
            }
        }
        return features;
    }

    private static String key(String hash, String ver) {
        return hash.toLowerCase(java.util.Locale.ROOT) + " " + ver;
    }

    /** What one local session advertised: the key of its caps and the features known for it. */
    private static final class SessionCaps {
        final LocalClientSession session;
        volatile String key;
        volatile Set<String> features = Set.of();
        volatile boolean closed;

        SessionCaps(LocalClientSession session) {
            this.session = session;
        }
    }
}
