package org.skein.muc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.skein.config.ConfigException;
import org.skein.config.ServerConfig;
import org.xmpp.packet.JID;

/**
 * The group chat settings of a node (all keys optional):
 * <ul>
 *   <li>{@value #ENABLED_KEY} ({@code true}): run the group chat services;</li>
 *   <li>{@value #SERVICES_KEY} ({@code conference}): the services, comma-separated; a name without a
 *       dot is a subdomain of the XMPP domain ({@code conference} → {@code conference.example.org}), a
 *       name with dots is taken as the service's whole domain;</li>
 *   <li>{@value #CREATION_KEY} ({@code true}): whether users may create rooms (otherwise only the admin
 *       console and plugins do);</li>
 *   <li>{@value #HISTORY_KEY} ({@code 20}): how many messages new rooms replay to newcomers;</li>
 *   <li>{@value #THREADS_KEY} ({@code 2}): the threads that run rooms;</li>
 *   <li>{@value #IDLE_KEY} ({@code 30m}): how long an empty persistent room stays in memory.</li>
 * </ul>
 */
record MucSettings(boolean enabled, List<String> serviceDomains, boolean usersCreateRooms, int historyLength, int threads,
                   Duration idleTimeout) {

    static final String ENABLED_KEY = "muc.enabled";
    static final String SERVICES_KEY = "muc.services";
    static final String CREATION_KEY = "muc.roomCreation";
    static final String HISTORY_KEY = "muc.history.length";
    static final String THREADS_KEY = "muc.threads";
    static final String IDLE_KEY = "muc.idleTimeout";

    /** @throws ConfigException naming the file, the key and what was expected */
    static MucSettings from(ServerConfig config, String xmppDomain) {
        List<String> domains = new ArrayList<>();
        String services = config.get(SERVICES_KEY, "conference");
        for (String part : services.split(",")) {
            String name = part.trim().toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                continue;
            }
            String domain = name.contains(".") ? name : name + "." + xmppDomain;
            try {
                String prepped = JID.domainprep(domain);
                if (prepped == null || prepped.contains("@") || prepped.contains("/") || prepped.equals(xmppDomain)) {
                    throw new IllegalArgumentException();
                }
                if (!domains.contains(prepped)) {
                    domains.add(prepped);
                }
            } catch (RuntimeException e) {
                throw new ConfigException(config.source() + ": key '" + SERVICES_KEY + "' has '" + part.trim()
                        + "', expected a subdomain label such as conference or a domain other than " + xmppDomain);
            }
        }
        int history = config.getInt(HISTORY_KEY, 20);
        if (history < 0 || history > RoomConfig.MAX_HISTORY) {
            throw new ConfigException(config.source() + ": key '" + HISTORY_KEY + "' is '" + history
                    + "', expected a number from 0 to " + RoomConfig.MAX_HISTORY);
        }
        int threads = config.getInt(THREADS_KEY, 2);
        if (threads < 1) {
            throw new ConfigException(config.source() + ": key '" + THREADS_KEY + "' is '" + threads + "', expected a positive number");
        }
        Duration idle = config.getDuration(IDLE_KEY, Duration.ofMinutes(30));
        if (idle == null || idle.isNegative() || idle.isZero()) {
            throw new ConfigException(config.source() + ": key '" + IDLE_KEY + "' is '" + config.get(IDLE_KEY, "")
                    + "', expected a positive duration such as 30m");
        }
        return new MucSettings(config.getBoolean(ENABLED_KEY, true), List.copyOf(domains), config.getBoolean(CREATION_KEY, true),
                history, threads, idle);
    }
}
