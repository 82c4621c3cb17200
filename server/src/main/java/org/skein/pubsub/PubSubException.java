package org.skein.pubsub;

import org.xmpp.packet.PacketError;

/**
 * A pubsub request that cannot be served: the stanza error condition and, where XEP-0060 names one, the
 * pubsub-specific condition of {@code http://jabber.org/protocol/pubsub#errors} (with its
 * {@code feature} attribute for {@code unsupported}).
 */
public final class PubSubException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final PacketError.Condition condition;
    private final String pubsubCondition;
    private final String feature;

    public PubSubException(PacketError.Condition condition, String pubsubCondition, String message) {
        this(condition, pubsubCondition, null, message);
    }

    public PubSubException(PacketError.Condition condition, String pubsubCondition, String feature, String message) {
        super(message, null, false, false);
        this.condition = condition;
        this.pubsubCondition = pubsubCondition;
        this.feature = feature;
    }

    public static PubSubException of(PacketError.Condition condition, String message) {
        return new PubSubException(condition, null, message);
    }

    public PacketError.Condition condition() {
        return condition;
    }

    /** The pubsub#errors element's name, or {@code null}. */
    public String pubsubCondition() {
        return pubsubCondition;
    }

    /** The {@code feature} attribute of an {@code unsupported} condition, or {@code null}. */
    public String feature() {
        return feature;
    }
}
