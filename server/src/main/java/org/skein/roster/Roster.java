package org.skein.roster;

import java.io.Serializable;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.skein.cache.CacheSizes;
import org.skein.cache.Cacheable;

/**
 * One user's roster as kept in the clustered {@code rosters} cache: the items by contact bare JID.
 * Immutable; changes make a new roster.
 */
public final class Roster implements Serializable, Cacheable {

    private static final long serialVersionUID = 1L;

    private final Map<String, RosterItem> items;

    private Roster(Map<String, RosterItem> items) {
        this.items = items;
    }

    public static Roster of(List<RosterItem> items) {
        Map<String, RosterItem> map = new LinkedHashMap<>();
        for (RosterItem item : items) {
            map.put(item.jid(), item);
        }
        return new Roster(Collections.unmodifiableMap(map));
    }

    public Optional<RosterItem> item(String contactJid) {
        return Optional.ofNullable(items.get(contactJid));
    }

    public Collection<RosterItem> items() {
        return items.values();
    }

    /** A copy with the item added or replaced. */
    public Roster with(RosterItem item) {
        Map<String, RosterItem> map = new LinkedHashMap<>(items);
        map.put(item.jid(), item);
        return new Roster(Collections.unmodifiableMap(map));
    }

    /** A copy without the contact's item. */
    public Roster without(String contactJid) {
        Map<String, RosterItem> map = new LinkedHashMap<>(items);
        map.remove(contactJid);
        return new Roster(Collections.unmodifiableMap(map));
    }

    @Override
    public int getCachedSize() {
        int size = 64;
        for (RosterItem item : items.values()) {
            size += 96 + (int) CacheSizes.sizeOf(item.jid()) + (int) CacheSizes.sizeOf(item.name());
            for (String group : item.groups()) {
                size += 16 + (int) CacheSizes.sizeOf(group);
            }
        }
        return size;
    }
}
