package org.skein.offline;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Where messages for offline users wait (the database), so that no node's failure loses them. Each
 * user's storage is bounded by a number of messages and by their size in bytes; a message that does
 * not fit is refused (the caller bounces it). Messages are read in pages and removed only when their
 * delivery is known to have succeeded, so a connection that drops during a delivery loses nothing.
 * Thread-safe; blocks on I/O, so never call it from a network event-loop thread.
 */
public interface OfflineMessageStore {

    /**
     * Keeps a message for a user.
     *
     * @return whether it was kept; {@code false} if the user's storage is full (count or bytes; the
     *         caller bounces the message with an error)
     */
    default boolean store(String username, Instant stamp, String stanza) {
        return add(username, stamp, stanza) >= 0;
    }

    /**
     * Keeps a message for a user and tells where.
     *
     * @return the message's id, or {@code -1} if the user's storage is full (count or bytes)
     */
    long add(String username, Instant stamp, String stanza);

    /**
     * Removes one message if it is still there and no delivery has claimed it ({@link #claim}).
     *
     * @return whether this call removed it (and so nobody else will deliver it)
     */
    boolean removeIfPresent(String username, long id);

    /**
     * Marks messages as taken by a delivery, before it hands them to the client: from then on
     * {@link #removeIfPresent} leaves them alone. They stay stored (and are read again by a later
     * delivery) until {@link #remove}.
     *
     * @return the ids among these that are still stored, now claimed; the others were taken back meanwhile
     *         and must not be delivered
     */
    java.util.Set<Long> claim(String username, Collection<Long> ids);

    /**
     * The user's oldest messages after {@code afterId}, in arrival order: at most {@code maxMessages},
     * and no more than {@code maxBytes} of stanzas in all (but always the first one, whatever its size).
     * Nothing is removed.
     */
    List<OfflineMessage> page(String username, long afterId, int maxMessages, long maxBytes);

    /** Removes delivered messages. */
    void remove(String username, Collection<Long> ids);

    /** How many messages wait for the user. */
    int count(String username);

    /** Which of these users have messages waiting. */
    java.util.Set<String> withMessages(Collection<String> usernames);

    /** How many messages wait, for all users. */
    long countAll();

    /** How many bytes of stanzas wait for the user. */
    long bytes(String username);

    /** Removes and returns the user's messages, oldest first (everything at once: prefer {@link #page}). */
    default List<OfflineMessage> takeAll(String username) {
        List<OfflineMessage> all = new ArrayList<>();
        long after = 0;
        List<OfflineMessage> page;
        while (!(page = page(username, after, 1000, Long.MAX_VALUE)).isEmpty()) {
            all.addAll(page);
            after = page.get(page.size() - 1).id();
        }
        remove(username, all.stream().map(OfflineMessage::id).toList());
        return all;
    }
}
