package org.skein.privatedata;

import java.util.Map;
import java.util.Optional;

/**
 * Where private XML is kept (the database): per user, per namespace, the XML of the elements stored
 * in that namespace. Thread-safe; blocks on I/O, so never call it from a network event-loop thread.
 * Usernames are normalised.
 */
public interface PrivateXmlStore {

    /** The XML stored in a namespace (one or more elements, concatenated), empty if nothing is. */
    Optional<String> find(String username, String namespace);

    /**
     * Replaces what is stored in each namespace of {@code xmlByNamespace}, all or none, unless the user's
     * private XML would then take more than {@code maxBytes} (UTF-8 bytes, all namespaces together).
     *
     * @return whether it was stored; {@code false} if the limit would be exceeded (nothing changed).
     *     Two changes of one user's different namespaces at the same moment may together exceed the
     *     limit by at most one of them.
     * @throws org.skein.storage.StorageException if the user does not exist or the database fails
     */
    boolean put(String username, Map<String, String> xmlByNamespace, long maxBytes);

    /** How many UTF-8 bytes of private XML the user keeps, all namespaces together. */
    long size(String username);
}
