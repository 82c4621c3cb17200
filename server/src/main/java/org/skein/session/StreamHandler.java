package org.skein.session;

import org.dom4j.Element;
import org.skein.xmpp.stream.StreamFault;
import org.skein.xmpp.stream.StreamHeader;

/**
 * The XMPP logic of one client connection: it receives the connection's stream events, one at a
 * time and in order, on the connection's processing executor (never on a network thread), so it may
 * block on the database.
 */
public interface StreamHandler {

    /** The client opened (or reopened, after STARTTLS or SASL) its stream. */
    void onHeader(StreamHeader header);

    /** A top-level element: a stanza or a negotiation element. */
    void onElement(Element element);

    /** The client closed its stream. */
    void onEnd();

    /** The client's bytes broke the stream. */
    void onFault(StreamFault fault);

    /** Nothing was received for the idle timeout. */
    void onIdle();

    /** The connection is closed (by either side); the last event. */
    void onClosed();
}
