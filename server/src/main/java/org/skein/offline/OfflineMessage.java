package org.skein.offline;

import java.time.Instant;
import java.util.Objects;

/**
 * A message kept for a user who was offline: the stanza as XML, when it arrived, and the order it
 * arrived in.
 *
 * @param id a number that grows with arrival order
 * @param username the recipient
 * @param stamp when the server received it (for the XEP-0203 delay stamp)
 * @param stanza the message stanza, serialized as XML
 */
public record OfflineMessage(long id, String username, Instant stamp, String stanza) {

    public OfflineMessage {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(stamp, "stamp");
        Objects.requireNonNull(stanza, "stanza");
    }
}
