package org.skein.cluster;

/** A cluster operation that could not be done: a task that failed or timed out, a cluster that cannot start. */
public class ClusterException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ClusterException(String message) {
        super(message);
    }

    public ClusterException(String message, Throwable cause) {
        super(message, cause);
    }
}
