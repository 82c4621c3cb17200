package org.skein.auth;

/**
 * Random secrets that every node of a cluster shares and that survive restarts (kept in the
 * database), each made by the first node that asks for it. Thread-safe; may block on I/O.
 */
public interface ServerSecrets {

    /**
     * The secret with this name (32 random bytes), created if it does not exist yet.
     *
     * @param name a short name such as {@code scram.unknown-users}
     */
    byte[] secret(String name);
}
