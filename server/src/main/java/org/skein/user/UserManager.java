package org.skein.user;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.skein.auth.ScramAlgorithm;
import org.skein.auth.ScramCredentials;
import org.skein.cache.Cache;
import org.skein.cache.CacheFactory;
import org.skein.config.ServerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.JID;

/**
 * The node's accounts: creates, deletes and changes them in the {@link UserStore}, and reads them
 * through the clustered {@code users} cache (so a change made on one node is seen on the others).
 * Credentials are read from the store each time: password-derived keys never travel in a cache.
 *
 * <p>Account creation and deletion are reported to the {@link AccountListener}s.
 *
 * <p>Methods block on the database; call them off the network threads. Thread-safe.
 */
public final class UserManager {

    private static final Logger LOG = LoggerFactory.getLogger(UserManager.class);

    /** The cache of {@link User}s by username. */
    public static final String CACHE_NAME = "users";
    /** The SCRAM iteration count for new passwords (RFC 7677 asks for at least 4096). */
    public static final String ITERATIONS_KEY = "auth.scram.iterations";

    private final UserStore store;
    private final Cache<String, User> users;
    private final ServerConfig config;
    private volatile ScramCredentials unknownUser;
    private final List<AccountListener> listeners = new CopyOnWriteArrayList<>();

    public UserManager(UserStore store, CacheFactory caches, ServerConfig config) {
        this.store = Objects.requireNonNull(store, "store");
        this.users = caches.createCache(CACHE_NAME);
        this.config = config;
    }

    /**
     * Normalises a username the way JIDs are (nodeprep: lower case and more).
     *
     * @throws IllegalArgumentException if it cannot be the local part of a JID
     */
    public static String normalize(String username) {
        if (username == null || username.isBlank()) {
            throw new IllegalArgumentException("a username must not be empty");
        }
        String prepped;
        try {
            prepped = JID.nodeprep(username.trim());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + username + "' cannot be the name part of a JID: " + e.getMessage(), e);
        }
        if (prepped.isEmpty() || prepped.length() > 1023) {
            throw new IllegalArgumentException("a username must have 1 to 1023 characters");
        }
        return prepped;
    }

    public User createUser(String username, String password, String name, String email) throws UserAlreadyExistsException {
        String normalized = normalize(username);
        requirePassword(password);
        User user = store.create(normalized, credentialsFor(password), name, email);
        users.put(normalized, user);
        for (AccountListener listener : listeners) {
            try {
                listener.accountCreated(normalized);
            } catch (RuntimeException e) {
                LOG.warn("An account listener failed on the creation of '{}'", normalized, e);
            }
        }
        return user;
    }

    /** Adds a listener for accounts created and deleted through this manager. */
    public void addAccountListener(AccountListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    public Optional<User> getUser(String username) {
        String normalized = normalize(username);
        User cached = users.get(normalized);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<User> stored = store.find(normalized);
        stored.ifPresent(u -> users.put(normalized, u));
        return stored;
    }

    public boolean exists(String username) {
        return getUser(username).isPresent();
    }

    public void deleteUser(String username) throws UserNotFoundException {
        String normalized = normalize(username);
        try {
            store.delete(normalized);
        } finally {
            users.remove(normalized);
        }
        for (AccountListener listener : listeners) {
            try {
                listener.accountDeleted(normalized);
            } catch (RuntimeException e) {
                LOG.warn("An account listener failed on the deletion of '{}'", normalized, e);
            }
        }
    }

    public void setPassword(String username, String password) throws UserNotFoundException {
        requirePassword(password);
        store.setCredentials(normalize(username), credentialsFor(password));
    }

    /** The stored SCRAM credentials for one hash function; empty if the user does not exist. */
    public Optional<ScramCredentials> credentials(String username, ScramAlgorithm algorithm) {
        return store.credentials(normalize(username), algorithm);
    }

    /**
     * Checks a clear-text password against the stored credentials, in constant time; for a username
     * that does not exist the same work is done against made-up credentials, so the answer takes as
     * long either way.
     */
    public boolean checkPassword(String username, String password) {
        String normalized;
        try {
            normalized = normalize(username);
        } catch (IllegalArgumentException e) {
            normalized = null;
        }
        Optional<ScramCredentials> stored = normalized == null ? Optional.empty() : store.credentials(normalized, ScramAlgorithm.SHA_256);
        boolean matches = stored.orElseGet(this::unknownUserCredentials).matches(password == null ? "" : password);
        return matches && stored.isPresent();
    }

    private ScramCredentials unknownUserCredentials() {
        ScramCredentials made = unknownUser;
        if (made == null) {
            made = ScramCredentials.derive(ScramAlgorithm.SHA_256, java.util.UUID.randomUUID().toString(), config.getInt(ITERATIONS_KEY, 4096));
            unknownUser = made;
        }
        return made;
    }

    public List<String> usernames(int offset, int limit) {
        return store.usernames(offset, limit);
    }

    public int count() {
        return store.count();
    }

    private List<ScramCredentials> credentialsFor(String password) {
        int iterations = config.getInt(ITERATIONS_KEY, 4096);
        List<ScramCredentials> credentials = new ArrayList<>();
        for (ScramAlgorithm algorithm : ScramAlgorithm.values()) {
            credentials.add(ScramCredentials.derive(algorithm, password, iterations));
        }
        return credentials;
    }

    private static void requirePassword(String password) {
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("a password must not be empty");
        }
    }
}
