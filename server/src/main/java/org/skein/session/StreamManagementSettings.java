package org.skein.session;

import java.time.Duration;
import java.util.Objects;
import org.skein.config.ConfigException;
import org.skein.config.ServerConfig;

/**
 * Stream management (XEP-0198) settings, read once from the configuration.
 *
 * @param enabled {@value #ENABLED_KEY} (default true): whether the {@code sm} stream feature is offered
 * @param resumeTimeout {@value #RESUME_TIMEOUT_KEY} (default 300s): how long a session whose connection
 *        dropped waits for its client to resume, when the client asks for no other time
 * @param maxResumeTimeout {@value #MAX_RESUME_TIMEOUT_KEY} (default 1h): the longest wait a client may ask
 *        for with {@code <enable max='seconds'/>}
 * @param maxUnacked {@value #MAX_UNACKED_KEY} (default 10000): how many stanzas a session keeps for its
 *        client unacknowledged; beyond that the session ends (its messages go to offline storage)
 * @param journal {@value #JOURNAL_KEY} (default false: it costs per message, see benchmarks/README.md): whether a clustered node keeps a copy of each resumable
 *        session's unacknowledged stanzas in the cluster ({@link SessionJournal}), so that they survive the node's death
 */
public record StreamManagementSettings(boolean enabled, Duration resumeTimeout, Duration maxResumeTimeout, int maxUnacked,
                                       boolean journal) {

    public static final String ENABLED_KEY = "xmpp.sm.enabled";
    public static final String RESUME_TIMEOUT_KEY = "xmpp.sm.resumeTimeout";
    public static final String MAX_RESUME_TIMEOUT_KEY = "xmpp.sm.maxResumeTimeout";
    public static final String MAX_UNACKED_KEY = "xmpp.sm.maxUnacked";
    public static final String JOURNAL_KEY = "xmpp.sm.journal";

    public StreamManagementSettings {
        Objects.requireNonNull(resumeTimeout, "resumeTimeout");
        Objects.requireNonNull(maxResumeTimeout, "maxResumeTimeout");
        if (resumeTimeout.isNegative() || resumeTimeout.isZero() || maxResumeTimeout.compareTo(resumeTimeout) < 0) {
            throw new IllegalArgumentException("the resume timeout must be positive and at most the maximum");
        }
        if (maxUnacked < 1) {
            throw new IllegalArgumentException("maxUnacked must be positive");
        }
    }

    /** The same, with the journal off. */
    public StreamManagementSettings(boolean enabled, Duration resumeTimeout, Duration maxResumeTimeout, int maxUnacked) {
        this(enabled, resumeTimeout, maxResumeTimeout, maxUnacked, false);
    }

    /** The defaults: on, 5 minutes, at most 1 hour, 10,000 stanzas, journal off. */
    public static StreamManagementSettings defaults() {
        return new StreamManagementSettings(true, Duration.ofMinutes(5), Duration.ofHours(1), 10_000, false);
    }

    public static StreamManagementSettings from(ServerConfig config) {
        boolean enabled = config.getBoolean(ENABLED_KEY, true);
        Duration timeout = positive(config, RESUME_TIMEOUT_KEY, Duration.ofMinutes(5));
        Duration max = positive(config, MAX_RESUME_TIMEOUT_KEY, Duration.ofHours(1));
        if (max.compareTo(timeout) < 0) {
            throw new ConfigException(config.source() + ": key '" + MAX_RESUME_TIMEOUT_KEY + "' is '" + config.get(MAX_RESUME_TIMEOUT_KEY, "")
                    + "', expected a duration at least as long as '" + RESUME_TIMEOUT_KEY + "' (" + timeout.toSeconds() + "s)");
        }
        int maxUnacked = config.getInt(MAX_UNACKED_KEY, 10_000);
        if (maxUnacked < 1) {
            throw new ConfigException(config.source() + ": key '" + MAX_UNACKED_KEY + "' is '" + maxUnacked
                    + "', expected a positive number of stanzas such as 10000");
        }
        return new StreamManagementSettings(enabled, timeout, max, maxUnacked, config.getBoolean(JOURNAL_KEY, false));
    }

    private static Duration positive(ServerConfig config, String key, Duration defaultValue) {
        Duration value = config.getDuration(key, defaultValue);
        if (value == null || value.isNegative() || value.isZero() || value.toSeconds() < 1) {
            throw new ConfigException(config.source() + ": key '" + key + "' is '" + config.get(key, "")
                    + "', expected a duration of at least one second such as 300s or 1h");
        }
        return value;
    }

    /** The wait a client gets: what it asked for ({@code <enable max/>}, seconds; 0 or less for none), within the maximum. */
    public Duration timeoutFor(long requestedSeconds) {
        if (requestedSeconds <= 0) {
            return resumeTimeout;
        }
        Duration requested = Duration.ofSeconds(requestedSeconds);
        return requested.compareTo(maxResumeTimeout) > 0 ? maxResumeTimeout : requested;
    }
}
