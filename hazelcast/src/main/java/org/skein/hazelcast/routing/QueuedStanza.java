package org.skein.hazelcast.routing;

/**
 * One stanza waiting for its destination node: the recipient's full JID and the stanza's XML as UTF-8,
 * taken on the sender's thread (the packet itself may change after {@code routePacket} returns).
 */
record QueuedStanza(String recipient, byte[] xml) {

    /** Bytes this stanza takes in a batch (framing included). */
    int wireSize() {
        return 8 + recipient.length() * 3 + xml.length;
    }
}
