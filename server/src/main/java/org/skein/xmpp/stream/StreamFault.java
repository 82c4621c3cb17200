package org.skein.xmpp.stream;

import org.xmpp.packet.StreamError;

/**
 * The peer's bytes broke the stream: the stream must be closed with this stream error. The decoder
 * reads nothing more after it.
 *
 * @param condition the stream error condition (RFC 6120 section 4.9.3)
 * @param text a short human-readable explanation
 */
public record StreamFault(StreamError.Condition condition, String text) {
}
