package org.skein.component;

import org.xmpp.packet.Packet;

/**
 * A service on a domain of its own (for example {@code conference.example.org}), running inside the
 * node. The node hands it every stanza a client of this node addresses to its domain or to a JID
 * under it ({@code room@conference.example.org/nick}).
 *
 * <h2>Threads</h2>
 * {@link #process} runs on the sending client's processing thread, one stanza at a time per client
 * connection but concurrently for different clients, so an implementation is thread-safe. It may
 * block briefly (a database read), but work that waits on other nodes belongs on the component's own
 * executor.
 *
 * <h2>Errors</h2>
 * A component answers requests it cannot serve itself (an IQ {@code get}/{@code set} with
 * {@code service-unavailable} or {@code feature-not-implemented}, a message with an error when the
 * XEP says so). An exception thrown from {@link #process} is logged by the caller and, for IQ
 * requests, answered with {@code internal-server-error}; it never closes the client's stream.
 *
 * <h2>Sending</h2>
 * A component sends stanzas to users through the node's routers (for example
 * {@code ServerContext.messageRouter().route(message)} or the routing table for full JIDs), with
 * {@code from} set to its own domain or a JID under it.
 */
public interface LocalComponent {

    /** The component's domain, such as {@code conference.example.org} (lower case, no node or resource). */
    String domain();

    /** A human-readable name, listed in the server's {@code disco#items}. */
    String name();

    /**
     * Handles a stanza addressed to {@link #domain()} or a JID under it.
     *
     * @param packet the stanza, with {@code from} set to the sender's full JID
     */
    void process(Packet packet);
}
