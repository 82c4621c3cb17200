/**
 * The XML stream of RFC 6120 section 4: {@link org.skein.xmpp.stream.XmlStreamDecoder} turns bytes
 * into stream events ({@link org.skein.xmpp.stream.StreamHeader}, stanza elements,
 * {@link org.skein.xmpp.stream.StreamEnd}, {@link org.skein.xmpp.stream.StreamFault}) without
 * blocking, and {@link org.skein.xmpp.stream.StreamWriter} writes headers, features and errors.
 * {@link org.skein.xmpp.stream.StanzaLimits} bounds a stanza's bytes, nesting and attributes on every
 * input path: the client stream, stanzas from other nodes ({@link org.skein.xmpp.stream.RawStanzas},
 * {@link org.skein.xmpp.stream.StanzaParser}) and stanzas read back from storage.
 */
package org.skein.xmpp.stream;
