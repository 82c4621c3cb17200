package org.skein.storage;

/** A database operation failed (connection lost, constraint broken). Unchecked: callers rarely can do more than report it. */
public final class StorageException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
