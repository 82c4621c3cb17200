package org.skein.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.function.LongSupplier;
import org.skein.auth.LoginThrottle;

/**
 * Decides, for each connection a listener accepts, whether it may stay: the node-wide cap, the
 * per-address caps on connections and on logins in progress, and the per-address rate of new
 * connections (a token bucket). When every login slot of the node is taken, the newest connection
 * takes the place of the oldest one still logging in, which is handed back to be closed: a flood of
 * silent connections wears itself out instead of locking real clients out. Thread-safe; one lock,
 * taken once per accept, login and close.
 */
final class ConnectionGate {

    /** A connection the gate let in. */
    static final class Ticket {
        private final String key;
        private boolean pending = true;
        private boolean closed;
        private boolean evicted;
        private Runnable evictor;

        private Ticket(String key) {
            this.key = key;
        }

        /** Whether the connection has not logged in yet. */
        synchronized boolean isPending() {
            return pending;
        }

        /** What closes the connection when it is pushed out; run at once if it was pushed out already. */
        void onEvicted(Runnable action) {
            boolean now;
            synchronized (this) {
                now = evicted;
                evictor = action;
            }
            if (now) {
                action.run();
            }
        }

        /** Closes the connection that was pushed out (call it without holding the gate). */
        void evict() {
            Runnable action;
            synchronized (this) {
                evicted = true;
                action = evictor;
            }
            if (action != null) {
                action.run();
            }
        }
    }

    /**
     * The gate's answer: a ticket, or the reason for refusing; and the pending connection that was
     * pushed out to make room, if one was.
     */
    record Admission(Ticket ticket, String refusal, Ticket evicted) {
        boolean admitted() {
            return ticket != null;
        }
    }

    private static final class Address {
        int connections;
        int pending;
        double tokens;
        long refilled;
    }

    private final ConnectionLimits limits;
    private final LongSupplier nanoTime;
    private final Map<String, Address> addresses = new HashMap<>();
    private final LinkedHashSet<Ticket> pending = new LinkedHashSet<>();
    private int total;
    private int admissions;
    private long refusals;
    private long lastReport;

    ConnectionGate(ConnectionLimits limits, LongSupplier nanoTime) {
        this.limits = limits;
        this.nanoTime = nanoTime;
    }

    /** Admits or refuses a new connection from this address. */
    synchronized Admission admit(InetSocketAddress remote) {
        if (limits.maxConnections() != -1 && total >= limits.maxConnections()) {
            return new Admission(null, "the server has as many connections as it takes (" + limits.maxConnections() + ")", null);
        }
        String key = key(remote);
        boolean exempt = remote == null || limits.isExempt(remote);
        Address address = addresses.get(key);
        if (!exempt) {
            if (address != null && limits.maxConnectionsPerAddress() != -1 && address.connections >= limits.maxConnectionsPerAddress()) {
                return new Admission(null, "too many connections from your address (" + limits.maxConnectionsPerAddress() + ")", null);
            }
            if (address != null && limits.maxPendingLoginsPerAddress() != -1
                    && address.pending >= limits.maxPendingLoginsPerAddress()) {
                return new Admission(null, "too many logins in progress from your address ("
                        + limits.maxPendingLoginsPerAddress() + ")", null);
            }
            if (limits.connectionRate() > 0) {
                if (address == null) {
                    address = newAddress(key);
                }
                refill(address);
                if (address.tokens < 1) {
                    return new Admission(null, "your address opens connections too often (at most "
                            + rateText() + " per second)", null);
                }
                address.tokens -= 1;
            }
        }
        if (address == null) {
            address = newAddress(key);
        }
        Ticket evicted = null;
        if (limits.maxPendingLogins() != -1 && pending.size() >= limits.maxPendingLogins()) {
            Iterator<Ticket> oldest = pending.iterator();
            evicted = oldest.next();
            oldest.remove();
            loginEnded(evicted);
        }
        Ticket ticket = new Ticket(key);
        address.connections++;
        address.pending++;
        total++;
        pending.add(ticket);
        if (++admissions % 1024 == 0) {
            sweep();
        }
        return new Admission(ticket, null, evicted);
    }

    /** The connection logged in: it no longer counts as a login in progress. */
    synchronized void loggedIn(Ticket ticket) {
        if (ticket.pending && !ticket.closed) {
            pending.remove(ticket);
            loginEnded(ticket);
        }
    }

    /** The connection closed. */
    synchronized void closed(Ticket ticket) {
        if (ticket.closed) {
            return;
        }
        if (ticket.pending) {
            pending.remove(ticket);
            loginEnded(ticket);
        }
        ticket.closed = true;
        total--;
        Address address = addresses.get(ticket.key);
        if (address != null) {
            address.connections--;
            if (address.connections <= 0 && isFull(address)) {
                addresses.remove(ticket.key);
            }
        }
    }

    /**
     * Counts a refusal and returns a line for the log at most once a minute (a flood must not flood
     * the log), else {@code null}.
     */
    synchronized String refusalReport(String reason) {
        refusals++;
        long now = nanoTime.getAsLong();
        if (lastReport != 0 && now - lastReport < 60_000_000_000L) {
            return null;
        }
        lastReport = now;
        String line = "Refused " + refusals + " client connection(s) for the connection limits since the last report; the latest: " + reason;
        refusals = 0;
        return line;
    }

    /** How many connections are open. */
    synchronized int connections() {
        return total;
    }

    /** How many connections have not logged in yet. */
    synchronized int pendingLogins() {
        return pending.size();
    }

    private void loginEnded(Ticket ticket) {
        synchronized (ticket) {
            ticket.pending = false;
        }
        Address address = addresses.get(ticket.key);
        if (address != null) {
            address.pending--;
        }
    }

    private Address newAddress(String key) {
        Address address = new Address();
        address.tokens = limits.connectionBurst();
        address.refilled = nanoTime.getAsLong();
        addresses.put(key, address);
        return address;
    }

    private void refill(Address address) {
        long now = nanoTime.getAsLong();
        double earned = (now - address.refilled) / 1e9 * limits.connectionRate();
        address.tokens = Math.min(limits.connectionBurst(), address.tokens + earned);
        address.refilled = now;
    }

    private boolean isFull(Address address) {
        if (limits.connectionRate() <= 0) {
            return true;
        }
        refill(address);
        return address.tokens >= limits.connectionBurst();
    }

    /** Forgets addresses with no connection whose bucket has filled up again. */
    private void sweep() {
        addresses.values().removeIf(a -> a.connections <= 0 && isFull(a));
    }

    private String rateText() {
        double rate = limits.connectionRate();
        return rate == Math.rint(rate) ? Long.toString((long) rate) : Double.toString(rate);
    }

    /** IPv4 addresses count one by one, IPv6 ones per /64 network. */
    static String key(InetSocketAddress remote) {
        if (remote == null) {
            return "";
        }
        InetAddress address = remote.getAddress();
        return address == null ? remote.getHostString() : LoginThrottle.clientKey(address);
    }
}
