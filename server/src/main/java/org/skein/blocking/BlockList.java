package org.skein.blocking;

import java.io.Serializable;
import java.util.Collection;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;
import org.skein.cache.CacheSizes;
import org.skein.cache.Cacheable;
import org.xmpp.packet.JID;

/**
 * One user's blocked JIDs as kept in the clustered {@value BlockListManager#CACHE_NAME} cache: the
 * normalised JIDs in string form, sorted. Immutable; changes make a new list. An empty list is cached
 * too, so that the check on the message path finds it in the near cache.
 */
public final class BlockList implements Serializable, Cacheable {

    private static final long serialVersionUID = 1L;

    /** A list without items. */
    public static final BlockList EMPTY = new BlockList(Set.of());

    private final Set<String> jids;

    private BlockList(Set<String> jids) {
        this.jids = jids;
    }

    /** A list of these JIDs (normalised JIDs in string form). */
    public static BlockList of(Collection<String> jids) {
        return jids.isEmpty() ? EMPTY : new BlockList(Collections.unmodifiableSet(new TreeSet<>(jids)));
    }

    /** The blocked JIDs, sorted. */
    public Set<String> jids() {
        return jids;
    }

    public boolean isEmpty() {
        return jids.isEmpty();
    }

    public int size() {
        return jids.size();
    }

    /**
     * Whether a stanza from or to this JID is blocked, matched as XEP-0191 section 4 (and XEP-0016)
     * says: the full JID, the bare JID, the domain with the resource, the domain, or a domain above it
     * (a blocked {@code example.org} also blocks {@code user@chat.example.org}).
     */
    public boolean blocks(JID jid) {
        if (jids.isEmpty() || jid == null) {
            return false;
        }
        String domain = jid.getDomain();
        String resource = jid.getResource();
        if (jid.getNode() != null) {
            String bare = jid.toBareJID();
            if (jids.contains(bare) || (resource != null && jids.contains(bare + "/" + resource))) {
                return true;
            }
        }
        if (resource != null && jids.contains(domain + "/" + resource)) {
            return true;
        }
        for (String d = domain; d != null; d = parent(d)) {
            if (jids.contains(d)) {
                return true;
            }
        }
        return false;
    }

    private static String parent(String domain) {
        int dot = domain.indexOf('.');
        return dot < 0 || dot == domain.length() - 1 ? null : domain.substring(dot + 1);
    }

    /** A copy with these JIDs added. */
    public BlockList with(Collection<String> added) {
        TreeSet<String> copy = new TreeSet<>(jids);
        copy.addAll(added);
        return of(copy);
    }

    /** A copy without these JIDs. */
    public BlockList without(Collection<String> removed) {
        TreeSet<String> copy = new TreeSet<>(jids);
        copy.removeAll(removed);
        return of(copy);
    }

    @Override
    public int getCachedSize() {
        long size = CacheSizes.OBJECT + CacheSizes.REFERENCE + 48;
        for (String jid : jids) {
            size += 32 + CacheSizes.sizeOf(jid);
        }
        return (int) Math.min(Integer.MAX_VALUE, size);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BlockList other && jids.equals(other.jids);
    }

    @Override
    public int hashCode() {
        return jids.hashCode();
    }

    @Override
    public String toString() {
        return "BlockList" + jids;
    }
}
