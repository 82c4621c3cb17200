package org.skein.user;

/**
 * Told by the {@link UserManager} when an account is created or deleted through it, on the thread
 * that did it, after the database has the change. Extensions that cache per-account data forget it
 * here: the database rows go with the account (foreign keys), the cached copies must go too, and a
 * new account with a reused name must not find the old one's. An account deleted by another process
 * (the command-line tool while the node runs) is not reported; cached copies then expire with their
 * cache's lifetime. Implementations must be quick and thread-safe; one that throws is logged and the
 * others are still told.
 */
public interface AccountListener {

    /** An account was created (the name may have been used by a deleted account before). */
    default void accountCreated(String username) {
    }

    /** An account and everything stored for it were deleted. */
    default void accountDeleted(String username) {
    }
}
