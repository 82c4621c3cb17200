package org.skein.xmpp.stream;

import org.xmpp.packet.StreamError;

/**
 * How a transport writes the parts of a client stream that are not stanzas: the server's stream
 * header, its features, a stream error and the end of the stream. On TCP (RFC 6120) they are pieces
 * of one XML document ({@link #XML_STREAM}); on WebSocket (RFC 7395) each is a standalone element of
 * its own message ({@code <open/>}, {@code <close/>}, and {@code stream:}-prefixed elements that
 * declare their prefix).
 *
 * <p>The stream logic writes each part with a send of its own, so that a transport that frames every
 * top-level element (WebSocket) can put each into a message of its own. Implementations are stateless
 * and thread-safe.
 */
public interface StreamFraming {

    /** The XML stream of RFC 6120 section 4, as {@link StreamWriter} writes it. */
    StreamFraming XML_STREAM = new StreamFraming() {
        @Override
        public String header(String domain, String streamId, String to, String lang) {
            return StreamWriter.header(domain, streamId, to, lang);
        }

        @Override
        public String features(CharSequence children) {
            return StreamWriter.features(children);
        }

        @Override
        public String error(StreamError.Condition condition, String text) {
            return StreamWriter.error(condition, text);
        }

        @Override
        public String end() {
            return StreamWriter.end();
        }

        @Override
        public boolean offersStartTls() {
            return true;
        }
    };

    /**
     * The server's answer to a client's stream header.
     *
     * @param to the {@code to} of the answer (the client's {@code from}), or null
     * @param lang the stream's language, or null for {@code en}
     */
    String header(String domain, String streamId, String to, String lang);

    /** The stream features holding the given children (already serialized). */
    String features(CharSequence children);

    /** A stream error. */
    String error(StreamError.Condition condition, String text);

    /** The end of the server's stream. */
    String end();

    /**
     * Whether STARTTLS may be offered on this transport (never on WebSocket: RFC 7395 section 3.9 puts
     * TLS under the WebSocket, {@code wss://}).
     */
    boolean offersStartTls();
}
