/**
 * The XMPP protocol layer: the XML stream ({@code stream}), TLS ({@code tls}) and SASL ({@code sasl})
 * negotiation, and the namespace constants they share ({@link org.skein.xmpp.Namespaces}). Nothing here
 * touches caches or sessions; those live in {@code org.skein.session} and {@code org.skein.routing}.
 */
package org.skein.xmpp;
