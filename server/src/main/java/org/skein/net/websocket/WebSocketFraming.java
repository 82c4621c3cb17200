package org.skein.net.websocket;

import org.skein.xmpp.Namespaces;
import org.skein.xmpp.stream.StreamFraming;
import org.skein.xmpp.stream.StreamWriter;
import org.xmpp.packet.StreamError;

/**
 * The stream's own parts as RFC 7395 frames them: {@code <open/>} and {@code <close/>} in the framing
 * namespace instead of the stream's start and end tags, and features and errors that declare the
 * {@code stream} prefix themselves, since each message is a document of its own. No STARTTLS: TLS is
 * under the WebSocket ({@code wss://}).
 */
final class WebSocketFraming implements StreamFraming {

    /** The framing namespace of RFC 7395. */
    static final String FRAMING = "urn:ietf:params:xml:ns:xmpp-framing";
    static final WebSocketFraming INSTANCE = new WebSocketFraming();

    private static final String STREAM_PREFIX = " xmlns:stream='" + Namespaces.STREAM + "'";

    private WebSocketFraming() {
    }

    @Override
    public String header(String domain, String streamId, String to, String lang) {
        StringBuilder sb = new StringBuilder(192);
        sb.append("<open xmlns='").append(FRAMING).append("' from='").append(StreamWriter.escape(domain))
                .append("' id='").append(StreamWriter.escape(streamId)).append("' version='1.0' xml:lang='")
                .append(StreamWriter.escape(lang == null || lang.isEmpty() ? "en" : lang)).append('\'');
        if (to != null && !to.isEmpty()) {
            sb.append(" to='").append(StreamWriter.escape(to)).append('\'');
        }
        return sb.append("/>").toString();
    }

    @Override
    public String features(CharSequence children) {
        return "<stream:features" + STREAM_PREFIX + ">" + children + "</stream:features>";
    }

    @Override
    public String error(StreamError.Condition condition, String text) {
        String error = StreamWriter.error(condition, text);
        return "<stream:error" + STREAM_PREFIX + error.substring("<stream:error".length());
    }

    @Override
    public String end() {
        return "<close xmlns='" + FRAMING + "'/>";
    }

    @Override
    public boolean offersStartTls() {
        return false;
    }
}
