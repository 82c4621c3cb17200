/**
 * TLS for client connections (STARTTLS, RFC 6120 section 5): the node's certificate, from the
 * configured PKCS12 keystore or self-signed for the XMPP domain on first start and kept in the node's
 * home, and the Netty {@code SslHandler}s built from it ({@link org.skein.xmpp.tls.TlsContext}).
 */
package org.skein.xmpp.tls;
