package org.skein.user;

/** No account with that username exists. */
public final class UserNotFoundException extends Exception {

    private static final long serialVersionUID = 1L;

    public UserNotFoundException(String username) {
        super("user '" + username + "' does not exist");
    }
}
