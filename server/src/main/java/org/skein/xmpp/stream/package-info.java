/**
 * The XML stream of RFC 6120 section 4: {@link org.skein.xmpp.stream.XmlStreamDecoder} turns bytes
 * into stream events ({@link org.skein.xmpp.stream.StreamHeader}, stanza elements,
 * {@link org.skein.xmpp.stream.StreamEnd}, {@link org.skein.xmpp.stream.StreamFault}) without
 * blocking, and {@link org.skein.xmpp.stream.StreamWriter} writes headers, features and errors.
 */
package org.skein.xmpp.stream;
