package org.skein.component;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.xmpp.packet.JID;

/**
 * The node's {@link LocalComponent}s by domain. Thread-safe; lookups are lock-free, so the routers
 * can ask on every stanza.
 */
public final class ComponentRegistry {

    private final String serverDomain;
    private final ConcurrentMap<String, LocalComponent> byDomain = new ConcurrentHashMap<>();

    /** @param serverDomain the node's XMPP domain, which no component may take */
    public ComponentRegistry(String serverDomain) {
        this.serverDomain = Objects.requireNonNull(serverDomain, "serverDomain").toLowerCase(Locale.ROOT);
    }

    /**
     * Adds a component.
     *
     * @return a registration whose {@link Registration#close()} removes the component again
     * @throws IllegalArgumentException if the domain is the server's own or not a plain domain
     * @throws IllegalStateException if another component has the domain
     */
    public Registration add(LocalComponent component) {
        Objects.requireNonNull(component, "component");
        String domain = normalise(component.domain());
        if (domain.equals(serverDomain)) {
            throw new IllegalArgumentException("a component cannot take the server's own domain " + serverDomain);
        }
        LocalComponent previous = byDomain.putIfAbsent(domain, component);
        if (previous != null && previous != component) {
            throw new IllegalStateException("a component for " + domain + " exists already: " + previous.name());
        }
        return () -> byDomain.remove(domain, component);
    }

    /** The component that serves this domain, if any. */
    public Optional<LocalComponent> forDomain(String domain) {
        if (domain == null) {
            return Optional.empty();
        }
        LocalComponent component = byDomain.get(domain);
        if (component == null) {
            component = byDomain.get(domain.toLowerCase(Locale.ROOT));
        }
        return Optional.ofNullable(component);
    }

    /** The component that serves the domain of this address, if any. */
    public Optional<LocalComponent> forAddress(JID address) {
        return address == null ? Optional.empty() : forDomain(address.getDomain());
    }

    /** The registered components (a snapshot). */
    public Collection<LocalComponent> all() {
        return List.copyOf(byDomain.values());
    }

    private static String normalise(String domain) {
        Objects.requireNonNull(domain, "domain");
        String prepped;
        try {
            prepped = JID.domainprep(domain.trim());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a domain: '" + domain + "'", e);
        }
        if (prepped == null || prepped.isEmpty() || prepped.contains("@") || prepped.contains("/")) {
            throw new IllegalArgumentException("not a domain: '" + domain + "'");
        }
        return prepped.toLowerCase(Locale.ROOT);
    }

    /** Removes its component when closed. */
    @FunctionalInterface
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }
}
