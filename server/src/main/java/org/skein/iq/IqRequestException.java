package org.skein.iq;

/** A request of the server's could not be sent: the recipient has no session, or the node is stopping. */
public final class IqRequestException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public IqRequestException(String message) {
        super(message);
    }
}
