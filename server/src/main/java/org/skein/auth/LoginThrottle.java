package org.skein.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.skein.config.ConfigException;
import org.skein.config.ServerConfig;

/**
 * Slows down password guessing on every way in (XMPP SASL and the admin console share one instance
 * per node). Each login attempt is counted when it starts, once the account it is for is known (not
 * when it fails, so an attacker who gives up on an attempt early still pays for it), and the answer to
 * it, success or failure alike, may go out only after the attempt's {@linkplain Attempt#delay() delay}:
 * how long the answer takes tells nothing about the password.
 *
 * <p>An attempt's delay is the largest of three, each {@code baseDelay * 2^(n - free - 1)} for the
 * n-th recent attempt beyond a number of free ones, at most {@code maxDelay}:
 * <ul>
 *   <li>per account and client (free: 2, so a typo and the retry cost nothing): one client guessing one account;</li>
 *   <li>per client (free: 5): one client guessing many accounts;</li>
 *   <li>per account, counting only clients the account is not {@linkplain #trust trusted} on (free: 5):
 *       many clients guessing one account.</li>
 * </ul>
 * A client is an address (IPv6: a /64), or for the console a browser that logged in before. A
 * successful login gives its attempt back (a household behind one address does not run up a delay),
 * clears the account-and-client count, and trusts the client for the account for {@code trustPeriod}:
 * a trusted client never pays for other clients' guesses on the account, so a user on an address they
 * have logged in from before is not slowed down by an attacker elsewhere. At most
 * {@code maxConcurrentPerAccount} attempts of untrusted clients may be under way for one account;
 * another is {@linkplain Attempt#refused() refused} at once without looking at its password (it is
 * counted all the same). No account is ever locked: delays are capped, trusted clients are never
 * refused, and counts are forgotten after {@code window} without attempts.
 *
 * <p>Counts and trust are kept in this node's memory (a restart forgets them; each node of a cluster
 * counts on its own). Thread-safe; nothing here waits: callers schedule their answers.
 */
public final class LoginThrottle {

    static final int FREE_PER_ACCOUNT_AND_CLIENT = 2;
    static final int FREE_PER_CLIENT = 5;
    static final int FREE_PER_ACCOUNT = 5;
    private static final int MAX_TRUSTED_CLIENTS_PER_ACCOUNT = 32;

    /**
     * @param baseDelay {@code xmpp.sasl.failureDelay} (1s): the delay of the first attempt beyond the free ones
     * @param maxDelay {@code xmpp.sasl.failureDelayMax} (10s): the longest delay
     * @param maxConcurrentPerAccount {@code xmpp.sasl.maxConcurrentAttempts} (3): attempts of untrusted clients
     *     under way at once for one account
     * @param window {@code xmpp.sasl.attemptWindow} (15m): counts are forgotten after this long without attempts
     * @param trustPeriod {@code xmpp.sasl.trustPeriod} (30d): how long a client stays trusted after a login
     */
    public record Settings(Duration baseDelay, Duration maxDelay, int maxConcurrentPerAccount, Duration window, Duration trustPeriod) {

        public static final String BASE_DELAY_KEY = "xmpp.sasl.failureDelay";
        public static final String MAX_DELAY_KEY = "xmpp.sasl.failureDelayMax";
        public static final String MAX_CONCURRENT_KEY = "xmpp.sasl.maxConcurrentAttempts";
        public static final String WINDOW_KEY = "xmpp.sasl.attemptWindow";
        public static final String TRUST_PERIOD_KEY = "xmpp.sasl.trustPeriod";

        public Settings {
            Objects.requireNonNull(baseDelay, "baseDelay");
            Objects.requireNonNull(maxDelay, "maxDelay");
            Objects.requireNonNull(window, "window");
            Objects.requireNonNull(trustPeriod, "trustPeriod");
        }

        /** @throws ConfigException naming the file, the key and what was expected */
        public static Settings from(ServerConfig config) {
            Duration base = duration(config, BASE_DELAY_KEY, Duration.ofSeconds(1), true);
            Duration max = duration(config, MAX_DELAY_KEY, Duration.ofSeconds(10), true);
            if (max.compareTo(base) < 0) {
                throw new ConfigException(config.source() + ": key '" + MAX_DELAY_KEY + "' is shorter than '" + BASE_DELAY_KEY
                        + "', expected a duration at least as long");
            }
            int concurrent = config.getInt(MAX_CONCURRENT_KEY, 3);
            if (concurrent < 1 && concurrent != -1) {
                throw new ConfigException(config.source() + ": key '" + MAX_CONCURRENT_KEY + "' is '" + concurrent
                        + "', expected a positive number, or -1 for no limit");
            }
            return new Settings(base, max, concurrent, duration(config, WINDOW_KEY, Duration.ofMinutes(15), false),
                    duration(config, TRUST_PERIOD_KEY, Duration.ofDays(30), false));
        }

        private static Duration duration(ServerConfig config, String key, Duration defaultValue, boolean zeroAllowed) {
            Duration value = config.getDuration(key, defaultValue);
            if (value == null || value.isNegative() || (!zeroAllowed && value.isZero())) {
                throw new ConfigException(config.source() + ": key '" + key + "' is '" + config.get(key, "")
                        + "', expected a duration such as " + defaultValue.toSeconds() + "s");
            }
            return value;
        }
    }

    private final Settings settings;
    private final Ticker ticker;
    private final Cache<String, Integer> counts;
    private final Cache<String, Set<String>> trusted;
    private final ConcurrentHashMap<String, AtomicInteger> underWay = new ConcurrentHashMap<>();

    public LoginThrottle(Settings settings, Ticker ticker) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.counts = Caffeine.newBuilder().ticker(ticker).expireAfterWrite(settings.window()).maximumSize(500_000).build();
        this.trusted = Caffeine.newBuilder().ticker(ticker).expireAfterWrite(settings.trustPeriod()).maximumSize(500_000).build();
    }

    /** The client key of an address: the address itself, or for IPv6 its /64 network (one host usually has a whole /64). */
    public static String clientKey(java.net.InetAddress address) {
        if (address == null) {
            return "";
        }
        if (address instanceof java.net.Inet6Address) {
            byte[] bytes = address.getAddress();
            StringBuilder sb = new StringBuilder(24);
            for (int i = 0; i < 8; i += 2) {
                sb.append(Integer.toHexString(((bytes[i] & 0xFF) << 8) | (bytes[i + 1] & 0xFF))).append(':');
            }
            return sb.append(":/64").toString();
        }
        return address.getHostAddress();
    }

    /** The account key of a username as a client typed it: normalised where it can be, else lower case. */
    public static String accountKey(String username) {
        if (username == null) {
            return "";
        }
        try {
            String prepped = org.xmpp.packet.JID.nodeprep(username.trim());
            return prepped == null || prepped.isEmpty() ? username.trim().toLowerCase(Locale.ROOT) : prepped;
        } catch (RuntimeException e) {
            return username.trim().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * An attempt starts: counts it and says when it may be answered.
     *
     * @param client who tries: an address ({@code 192.0.2.7}), or a console browser ({@code device:...})
     * @param account the account key ({@link #accountKey})
     */
    public Attempt begin(String client, String account) {
        return begin(client, account, client);
    }

    /**
     * An attempt starts, with trust looked up by something other than the client's address: a
     * console browser is counted by its address but trusted by its device id, which it cannot use to
     * escape the counting (any browser can send any cookie, but only one that logged in is trusted).
     *
     * @param trustKey what the client is trusted by; on success it becomes trusted for the account
     */
    public Attempt begin(String client, String account, String trustKey) {
        String who = client == null ? "" : client;
        String acct = account == null ? "" : account;
        String trustedBy = trustKey == null ? who : trustKey;
        boolean isTrusted = isTrusted(trustedBy, acct);
        int perPair = increment("p:" + acct + '\n' + who);
        int perClient = increment("c:" + who);
        int perAccount = isTrusted ? 0 : increment("a:" + acct);
        Duration delay = longest(delayFor(perPair, FREE_PER_ACCOUNT_AND_CLIENT), delayFor(perClient, FREE_PER_CLIENT),
                delayFor(perAccount, FREE_PER_ACCOUNT));
        boolean refused = false;
        boolean holdsSlot = false;
        if (!isTrusted && settings.maxConcurrentPerAccount() > 0) {
            AtomicInteger running = underWay.computeIfAbsent(acct, k -> new AtomicInteger());
            if (running.incrementAndGet() > settings.maxConcurrentPerAccount()) {
                release(acct, running);
                refused = true;
            } else {
                holdsSlot = true;
            }
        }
        return new Attempt(who, acct, trustedBy, isTrusted, ticker.read(), delay, refused, holdsSlot);
    }

    /** The settings this throttle runs with. */
    public Settings settings() {
        return settings;
    }

    /** Whether the client logged in to the account within the trust period. */
    public boolean isTrusted(String client, String account) {
        Set<String> clients = trusted.getIfPresent(account);
        return clients != null && clients.contains(client);
    }

    /** Trusts a client for an account (it logged in). */
    void trust(String client, String account) {
        trusted.asMap().compute(account, (a, clients) -> {
            Set<String> next = clients == null ? ConcurrentHashMap.newKeySet() : clients;
            if (next.size() >= MAX_TRUSTED_CLIENTS_PER_ACCOUNT && !next.contains(client)) {
                next.remove(next.iterator().next());
            }
            next.add(client);
            return next;
        });
    }

    Duration delayFor(int count, int free) {
        if (count <= free || settings.baseDelay().isZero()) {
            return Duration.ZERO;
        }
        int shift = Math.min(count - free - 1, 30);
        Duration delay = settings.baseDelay().multipliedBy(1L << shift);
        return delay.compareTo(settings.maxDelay()) > 0 ? settings.maxDelay() : delay;
    }

    private int increment(String key) {
        return counts.asMap().merge(key, 1, Integer::sum);
    }

    private void giveBack(String key) {
        counts.asMap().computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
    }

    private void release(String account, AtomicInteger running) {
        if (running.decrementAndGet() <= 0) {
            underWay.remove(account, running);
        }
    }

    private static Duration longest(Duration a, Duration b, Duration c) {
        Duration ab = a.compareTo(b) >= 0 ? a : b;
        return ab.compareTo(c) >= 0 ? ab : c;
    }

    /** One login attempt under way. Report its end once: {@link #succeeded}, {@link #failed} or {@link #abandoned}. */
    public final class Attempt {

        private final String client;
        private final String account;
        private final String trustKey;
        private final boolean trustedClient;
        private final long started;
        private final Duration delay;
        private final boolean refused;
        private final AtomicBoolean slot;

        private Attempt(String client, String account, String trustKey, boolean trustedClient, long started, Duration delay,
                        boolean refused, boolean holdsSlot) {
            this.client = client;
            this.account = account;
            this.trustKey = trustKey;
            this.trustedClient = trustedClient;
            this.started = started;
            this.delay = delay;
            this.refused = refused;
            this.slot = new AtomicBoolean(holdsSlot);
        }

        /** How long after its start the attempt may be answered, whatever the answer. */
        public Duration delay() {
            return delay;
        }

        /** How long from now until the answer may go out (zero if it may go now). */
        public Duration remaining() {
            long elapsed = ticker.read() - started;
            long left = delay.toNanos() - elapsed;
            return left <= 0 ? Duration.ZERO : Duration.ofNanos(left);
        }

        /**
         * Whether too many attempts of untrusted clients are under way for the account: this one must be
         * answered with a temporary failure, without its password being checked. It is over already.
         */
        public boolean refused() {
            return refused;
        }

        /** Whether the client had logged in to the account before (it pays no account-wide delay). */
        public boolean trustedClient() {
            return trustedClient;
        }

        /** The password was right: the attempt is given back and the client is trusted for the account. */
        public void succeeded() {
            end();
            counts.invalidate("p:" + account + '\n' + client);
            giveBack("c:" + client);
            if (!trustedClient) {
                giveBack("a:" + account);
            }
            trust(trustKey, account);
        }

        /** The password was wrong. */
        public void failed() {
            end();
        }

        /** The client went away before its answer. */
        public void abandoned() {
            end();
        }

        private void end() {
            if (slot.compareAndSet(true, false)) {
                AtomicInteger running = underWay.get(account);
                if (running != null) {
                    release(account, running);
                }
            }
        }
    }
}
