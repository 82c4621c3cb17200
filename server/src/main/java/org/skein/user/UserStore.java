package org.skein.user;

import java.util.List;
import java.util.Optional;
import org.skein.auth.ScramAlgorithm;
import org.skein.auth.ScramCredentials;

/**
 * Where accounts are kept (the database). Implementations are thread-safe and may block (they do
 * I/O): never call them from a network event-loop thread. Reads go through {@link UserManager}, which
 * caches them.
 *
 * <p>Usernames are passed in normalised form (JID node prep, lower case); the store does not
 * normalise.
 */
public interface UserStore {

    Optional<User> find(String username);

    /**
     * Creates an account with SCRAM credentials for every {@link ScramAlgorithm}.
     *
     * @throws UserAlreadyExistsException if the username is taken
     */
    User create(String username, List<ScramCredentials> credentials, String name, String email) throws UserAlreadyExistsException;

    /** Deletes an account and everything kept for it (roster, offline messages). */
    void delete(String username) throws UserNotFoundException;

    /** Replaces the account's credentials. */
    void setCredentials(String username, List<ScramCredentials> credentials) throws UserNotFoundException;

    Optional<ScramCredentials> credentials(String username, ScramAlgorithm algorithm);

    /** Usernames in alphabetical order, for paging through the accounts. */
    List<String> usernames(int offset, int limit);

    int count();
}
