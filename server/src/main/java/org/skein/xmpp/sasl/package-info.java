/**
 * SASL authentication (RFC 6120 section 6) on the server side: SCRAM-SHA-1 and SCRAM-SHA-256
 * (RFC 5802, RFC 7677, without channel binding), PLAIN (RFC 4616, only over TLS unless allowed), the
 * {@link org.skein.xmpp.sasl.SaslMechanisms} that says which are offered, and the
 * {@link org.skein.xmpp.sasl.AuthFailureThrottle} that slows down password guessing.
 */
package org.skein.xmpp.sasl;
