package org.skein.lastactivity;

import java.time.Instant;
import java.util.Objects;

/**
 * When a user was last seen leaving, and the status of the unavailable presence they left with.
 *
 * @param stamp when the session ended or went unavailable
 * @param status the status text of that presence, empty if it had none
 */
public record LastActivity(Instant stamp, String status) {

    /** The longest status kept (the column's length). */
    public static final int MAX_STATUS_LENGTH = 1024;

    public LastActivity {
        Objects.requireNonNull(stamp, "stamp");
        status = status == null ? "" : status.length() > MAX_STATUS_LENGTH ? status.substring(0, MAX_STATUS_LENGTH) : status;
    }
}
