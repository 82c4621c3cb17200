package org.skein.vcard;

import java.util.Optional;

/**
 * Where vCards are kept (the database), one per user, as the XML of the {@code <vCard xmlns='vcard-temp'/>}
 * element. Thread-safe; blocks on I/O, so never call it from a network event-loop thread. Usernames are
 * normalised.
 */
public interface VCardStore {

    /** The user's vCard XML, empty if the user has none. */
    Optional<String> find(String username);

    /**
     * Stores (or replaces) the user's vCard.
     *
     * @throws org.skein.storage.StorageException if the user does not exist or the database fails
     */
    void put(String username, String vcardXml);

    /** Removes the user's vCard; returns whether there was one. */
    boolean delete(String username);
}
