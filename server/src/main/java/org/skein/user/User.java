package org.skein.user;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/**
 * A registered user of the node's XMPP domain: the local part of the JID, an optional display name
 * and e-mail address (from in-band registration), and when the account was created. Holds no
 * credentials.
 *
 * @param username the node part of the user's JID, stringprep-normalised (lower case)
 * @param name display name, may be empty
 * @param email e-mail address, may be empty
 * @param created when the account was created
 */
public record User(String username, String name, String email, Instant created) implements Serializable {

    public User {
        Objects.requireNonNull(username, "username");
        name = name == null ? "" : name;
        email = email == null ? "" : email;
        Objects.requireNonNull(created, "created");
    }
}
