package org.skein.offline;

import java.time.Instant;
import java.util.List;

/**
 * Where messages for offline users wait (the database), so that no node's failure loses them.
 * Thread-safe; blocks on I/O, so never call it from a network event-loop thread.
 */
public interface OfflineMessageStore {

    /**
     * Keeps a message for a user.
     *
     * @return whether it was kept; {@code false} if the user's storage is full (the caller bounces
     *         the message with an error)
     */
    boolean store(String username, Instant stamp, String stanza);

    /** Removes and returns the user's messages, oldest first. */
    List<OfflineMessage> takeAll(String username);

    /** How many messages wait for the user. */
    int count(String username);
}
