package org.skein.lastactivity;

import java.util.Optional;

/**
 * Where each user's last logout is kept (the database). Thread-safe; blocks on I/O, so never call it
 * from a network event-loop thread. Usernames are normalised.
 */
public interface LastActivityStore {

    /** The user's last logout, empty if none was recorded. */
    Optional<LastActivity> find(String username);

    /**
     * Records a logout, unless a later one is recorded already (two nodes may record logouts of one
     * user's resources in any order). Does nothing for a user that does not exist (any more: the
     * sessions of a removed account end after the account is gone).
     */
    void record(String username, LastActivity activity);
}
