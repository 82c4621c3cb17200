package org.skein.roster;

import java.util.List;
import java.util.Optional;

/**
 * Where rosters are kept (the database). Thread-safe; blocks on I/O, so never call it from a network
 * event-loop thread. Usernames are normalised; contact JIDs are bare JIDs in string form.
 */
public interface RosterStore {

    /** The user's roster items, ordered by contact JID. */
    List<RosterItem> items(String username);

    Optional<RosterItem> find(String username, String contactJid);

    /** Adds the item, or replaces the user's item for the same contact. */
    void put(String username, RosterItem item);

    /** Removes the user's item for the contact; returns whether there was one. */
    boolean remove(String username, String contactJid);
}
