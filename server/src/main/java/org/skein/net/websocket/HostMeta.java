package org.skein.net.websocket;

import org.skein.xmpp.stream.StreamWriter;

/**
 * The XEP-0156 documents that tell a web client where to connect when it knows only the domain:
 * {@code /.well-known/host-meta} (XRD, RFC 6415) and {@code /.well-known/host-meta.json} (JRD), each
 * with one link of relation {@code urn:xmpp:alt-connections:websocket}.
 */
final class HostMeta {

    static final String XML_PATH = "/.well-known/host-meta";
    static final String JSON_PATH = "/.well-known/host-meta.json";
    static final String WEBSOCKET_REL = "urn:xmpp:alt-connections:websocket";
    static final String XML_TYPE = "application/xrd+xml; charset=utf-8";
    static final String JSON_TYPE = "application/json";

    private HostMeta() {
    }

    /** The XRD document pointing at the WebSocket endpoint {@code url}. */
    static String xml(String url) {
        return "<?xml version='1.0' encoding='utf-8'?>\n"
                + "<XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'>\n"
                + "  <Link rel='" + WEBSOCKET_REL + "' href='" + StreamWriter.escape(url) + "'/>\n"
                + "</XRD>\n";
    }

    /** The JRD (JSON) document pointing at the WebSocket endpoint {@code url}. */
    static String json(String url) {
        return "{\"links\":[{\"rel\":\"" + WEBSOCKET_REL + "\",\"href\":\"" + jsonEscape(url) + "\"}]}\n";
    }

    private static String jsonEscape(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
