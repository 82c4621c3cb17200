package org.skein.pubsub;

import java.io.Serializable;
import java.util.Objects;

/**
 * An item as stored (XEP-0060 section 4.3). Immutable.
 *
 * @param id the item id
 * @param seq the node's version when it was published: larger is newer
 * @param publisher the bare or full JID that published it
 * @param created when, in epoch milliseconds
 * @param payloadXml the payload element as XML, empty for an item without payload
 */
public record PublishedItem(String id, long seq, String publisher, long created, String payloadXml) implements Serializable {

    private static final long serialVersionUID = 1L;

    public PublishedItem {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(publisher, "publisher");
        payloadXml = payloadXml == null ? "" : payloadXml;
    }
}
