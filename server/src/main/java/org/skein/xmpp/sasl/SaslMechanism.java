package org.skein.xmpp.sasl;

/**
 * The server side of one SASL exchange with one client, for one mechanism. Created per
 * {@code <auth/>}; not thread-safe (a connection's stream events are processed one at a time).
 * {@link #evaluate} may block on the user store, so it runs on the connection's processing thread,
 * never on an event loop.
 */
public interface SaslMechanism {

    /** The mechanism's name, such as {@code SCRAM-SHA-256}. */
    String name();

    /**
     * Evaluates the client's next message: the initial response of {@code <auth/>} (empty if none was
     * sent) or the content of a {@code <response/>}.
     */
    SaslStep evaluate(byte[] response);

    /**
     * The username the client named, as it typed it, once the exchange has got that far ({@code null}
     * before): from then on the exchange counts as a login attempt on that account.
     */
    String attemptedUsername();
}
