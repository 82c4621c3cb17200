package org.skein.user;

/** An account with that username exists already. */
public final class UserAlreadyExistsException extends Exception {

    private static final long serialVersionUID = 1L;

    public UserAlreadyExistsException(String username) {
        super("user '" + username + "' exists already");
    }
}
