package org.skein.lastactivity;

import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import org.skein.session.LocalClientSession;
import org.skein.storage.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.Presence;

/**
 * Records when users leave, for last activity: the node calls {@link #sessionEnded} for every session
 * of its own that ends and {@link #wentUnavailable} for every unavailable presence a session
 * broadcasts, on that session's processing thread. Reads go straight to the store.
 *
 * <p>A failed write is logged and dropped: a user's logout never fails because of it. Thread-safe.
 */
public final class LastActivityManager {

    private static final Logger LOG = LoggerFactory.getLogger(LastActivityManager.class);

    private final LastActivityStore store;
    private final Clock clock;

    public LastActivityManager(LastActivityStore store, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A session of this node ended: now is the user's last activity, with the status the session left with. */
    public void sessionEnded(LocalClientSession session) {
        Presence last = session.presence();
        record(session.username(), last != null && last.getType() == Presence.Type.unavailable ? last.getStatus() : null);
    }

    /** A session of this node broadcast unavailable presence (it may stay connected). */
    public void wentUnavailable(LocalClientSession session, Presence unavailable) {
        record(session.username(), unavailable.getStatus());
    }

    private void record(String username, String status) {
        try {
            store.record(username, new LastActivity(clock.instant(), status));
        } catch (StorageException e) {
            LOG.warn("Could not record the last activity of '{}'", username, e);
        }
    }

    /** The user's last logout, empty if none was recorded. */
    public Optional<LastActivity> lastActivity(String username) {
        return store.find(username);
    }
}
