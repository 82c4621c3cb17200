package org.skein.pubsub;

import java.io.Serializable;
import java.util.Objects;

/**
 * One subscription to a node (XEP-0060 section 4.2). Immutable.
 *
 * @param subid the subscription's id, unique within the node
 * @param jid the subscribed JID (bare or full) as a string
 * @param state {@code subscribed}, {@code pending} or {@code unconfigured}
 * @param options subscription options as {@code var=value} lines (may be empty)
 * @param sessionNode for a temporary subscription ({@code pubsub#expire=presence}): the id of the node
 *        that holds the subscriber's session; {@code null} for a lasting one
 */
public record Subscriber(String subid, String jid, String state, String options, String sessionNode) implements Serializable {

    private static final long serialVersionUID = 1L;

    public Subscriber {
        Objects.requireNonNull(subid, "subid");
        Objects.requireNonNull(jid, "jid");
        Objects.requireNonNull(state, "state");
        options = options == null ? "" : options;
    }

    public boolean isSubscribed() {
        return "subscribed".equals(state);
    }

    public boolean isTemporary() {
        return sessionNode != null;
    }
}
