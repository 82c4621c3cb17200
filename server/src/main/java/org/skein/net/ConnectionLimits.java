package org.skein.net;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.skein.config.ConfigException;
import org.skein.config.ServerConfig;

/**
 * How many client connections a node accepts and how long they may take to log in, read once from
 * the configuration. A connection is "pending" from the moment it is accepted until its client has
 * bound a resource (logged in); pending connections are what a flood of silent sockets consists of,
 * so they have limits of their own. IPv6 addresses are counted per /64 network (one host usually
 * has a whole /64).
 *
 * @param loginTimeout {@code xmpp.c2s.loginTimeout} (30s): from accepting the connection to a bound
 *     resource, whatever the client sends meanwhile; {@code null} (-1) for no deadline
 * @param maxConnections {@code xmpp.c2s.maxConnections}: every client connection of the node;
 *     default: the process's file descriptor limit minus 1,000 (kept for the database, the cluster,
 *     the console and files), or 10,000 where the limit cannot be read; -1 for no limit
 * @param maxPendingLogins {@code xmpp.c2s.maxPendingLogins} (1,000): connections not yet logged in, of
 *     every address; when they are all taken, a new connection takes the place of the oldest pending
 *     one (which is closed), so a flood cannot keep real clients from logging in
 * @param maxConnectionsPerAddress {@code xmpp.c2s.maxConnectionsPerAddress} (100): connections from one address
 * @param maxPendingLoginsPerAddress {@code xmpp.c2s.maxPendingLoginsPerAddress} (20): connections from one
 *     address that have not logged in yet
 * @param connectionRate {@code xmpp.c2s.connectionRate} (20): new connections per second from one address,
 *     on average; -1 for no limit
 * @param connectionBurst {@code xmpp.c2s.connectionBurst} (50): how many new connections one address may
 *     open at once before the rate applies
 * @param exempt {@code xmpp.c2s.limitsExempt}: addresses or networks ({@code 10.0.0.0/8}, {@code ::1})
 *     to which the per-address limits do not apply (a local proxy, a load test); the node-wide limits
 *     still do
 */
public record ConnectionLimits(Duration loginTimeout, int maxConnections, int maxPendingLogins, int maxConnectionsPerAddress,
                               int maxPendingLoginsPerAddress, double connectionRate, int connectionBurst,
                               List<IpSubnetFilterRule> exempt) {

    public static final String LOGIN_TIMEOUT_KEY = "xmpp.c2s.loginTimeout";
    public static final String MAX_CONNECTIONS_KEY = "xmpp.c2s.maxConnections";
    public static final String MAX_PENDING_LOGINS_KEY = "xmpp.c2s.maxPendingLogins";
    public static final String MAX_CONNECTIONS_PER_ADDRESS_KEY = "xmpp.c2s.maxConnectionsPerAddress";
    public static final String MAX_PENDING_LOGINS_PER_ADDRESS_KEY = "xmpp.c2s.maxPendingLoginsPerAddress";
    public static final String CONNECTION_RATE_KEY = "xmpp.c2s.connectionRate";
    public static final String CONNECTION_BURST_KEY = "xmpp.c2s.connectionBurst";
    public static final String EXEMPT_KEY = "xmpp.c2s.limitsExempt";

    /** File descriptors kept for everything that is not a client connection. */
    static final int RESERVED_DESCRIPTORS = 1000;

    public ConnectionLimits {
        exempt = List.copyOf(exempt);
    }

    /** No limits at all (tests of other things, embedded use). */
    public static ConnectionLimits none() {
        return new ConnectionLimits(null, -1, -1, -1, -1, -1, 1, List.of());
    }

    /** Whether the per-address limits skip this address. */
    boolean isExempt(InetSocketAddress address) {
        for (IpSubnetFilterRule rule : exempt) {
            if (rule.matches(address)) {
                return true;
            }
        }
        return false;
    }

    /** @throws ConfigException naming the file, the key and what was expected, for a bad value */
    public static ConnectionLimits from(ServerConfig config) {
        Duration login = config.getDuration(LOGIN_TIMEOUT_KEY, Duration.ofSeconds(30));
        if (login != null && login.isZero()) {
            throw new ConfigException(config.source() + ": key '" + LOGIN_TIMEOUT_KEY
                    + "' is '0', expected a positive duration such as 30s, or -1 for no deadline");
        }
        int max = limit(config, MAX_CONNECTIONS_KEY, defaultMaxConnections());
        int pending = limit(config, MAX_PENDING_LOGINS_KEY, 1000);
        int perAddress = limit(config, MAX_CONNECTIONS_PER_ADDRESS_KEY, 100);
        int pendingPerAddress = limit(config, MAX_PENDING_LOGINS_PER_ADDRESS_KEY, 20);
        String rateText = config.get(CONNECTION_RATE_KEY, "20").trim();
        double rate;
        try {
            rate = Double.parseDouble(rateText);
        } catch (NumberFormatException e) {
            rate = 0;
        }
        if (!(rate > 0 || rate == -1)) {
            throw new ConfigException(config.source() + ": key '" + CONNECTION_RATE_KEY + "' is '" + rateText
                    + "', expected new connections per second from one address, such as 20 or 0.5, or -1 for no limit");
        }
        int burst = config.getInt(CONNECTION_BURST_KEY, 50);
        if (burst < 1) {
            throw new ConfigException(config.source() + ": key '" + CONNECTION_BURST_KEY + "' is '" + burst
                    + "', expected a positive number of connections");
        }
        return new ConnectionLimits(login, max, pending, perAddress, pendingPerAddress, rate, burst, exempt(config));
    }

    private static int limit(ServerConfig config, String key, int defaultValue) {
        int value = config.getInt(key, defaultValue);
        if (value < 1 && value != -1) {
            throw new ConfigException(config.source() + ": key '" + key + "' is '" + value
                    + "', expected a positive number, or -1 for no limit");
        }
        return value;
    }

    private static List<IpSubnetFilterRule> exempt(ServerConfig config) {
        List<IpSubnetFilterRule> rules = new ArrayList<>();
        for (String item : config.get(EXEMPT_KEY, "").split(",")) {
            String entry = item.trim();
            if (entry.isEmpty()) {
                continue;
            }
            int slash = entry.indexOf('/');
            String ip = slash < 0 ? entry : entry.substring(0, slash);
            try {
                int bits = slash < 0 ? (ip.contains(":") ? 128 : 32) : Integer.parseInt(entry.substring(slash + 1));
                rules.add(new IpSubnetFilterRule(ip, bits, IpFilterRuleType.ACCEPT));
            } catch (RuntimeException e) {
                throw new ConfigException(config.source() + ": key '" + EXEMPT_KEY + "' holds '" + entry
                        + "', expected IP addresses or networks such as 127.0.0.1, 10.0.0.0/8 or fd00::/8, separated by commas");
            }
        }
        return rules;
    }

    /** The file descriptor limit less what the rest of the node needs, or 10,000 where it cannot be read. */
    static int defaultMaxConnections() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            long fds = unix.getMaxFileDescriptorCount();
            if (fds > 2L * RESERVED_DESCRIPTORS) {
                return (int) Math.min(Integer.MAX_VALUE, fds - RESERVED_DESCRIPTORS);
            }
            if (fds > 0) {
                return (int) Math.max(1, fds / 2);
            }
        }
        return 10_000;
    }
}
