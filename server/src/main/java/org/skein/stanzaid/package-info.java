/**
 * Unique and stable stanza ids (XEP-0359). {@link org.skein.stanzaid.StanzaIdGenerator} makes ids that are
 * unique across the cluster without any coordination between nodes: the time in microseconds (strictly
 * increasing on each node) followed by a tag of the node's id, written so that ids sort by time as plain
 * strings (the message archive pages by them). {@link org.skein.stanzaid.StanzaIds} stamps
 * {@code <stanza-id by=... id=.../>} on a message, strips a client's forged ones (those whose {@code by}
 * names this server or one of its accounts) and leaves the client's {@code <origin-id/>} as it is.
 */
package org.skein.stanzaid;
