package org.skein.xmpp.stream;

/**
 * The opening {@code <stream:stream>} tag a peer sent (RFC 6120 section 4.7).
 *
 * @param to the {@code to} attribute (the domain the client wants), empty if absent
 * @param from the {@code from} attribute, empty if absent
 * @param version the {@code version} attribute, empty if absent
 * @param lang the {@code xml:lang} attribute, empty if absent
 * @param defaultNamespace the default namespace of the stream ({@code jabber:client} for clients)
 */
public record StreamHeader(String to, String from, String version, String lang, String defaultNamespace) {
}
