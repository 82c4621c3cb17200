/**
 * The XMPP protocol layer: the XML stream ({@code stream}), TLS ({@code tls}) and SASL ({@code sasl})
 * negotiation, the namespace constants they share ({@link org.skein.xmpp.Namespaces}), and
 * {@link org.skein.xmpp.StanzaErrors}, through which every stanza error the server generates is set. Nothing here
 * touches caches or sessions; those live in {@code org.skein.session} and {@code org.skein.routing}.
 */
package org.skein.xmpp;
