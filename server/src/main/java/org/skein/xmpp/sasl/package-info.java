/**
 * SASL authentication (RFC 6120 section 6) on the server side: SCRAM-SHA-1 and SCRAM-SHA-256
 * (RFC 5802, RFC 7677, without channel binding), PLAIN (RFC 4616, only over TLS unless allowed), the
 * {@link org.skein.xmpp.sasl.SaslMechanisms} that says which are offered and makes up credentials for
 * usernames that do not exist. Password guessing is slowed down by {@link org.skein.auth.LoginThrottle},
 * which {@link org.skein.session.ClientStream} consults.
 */
package org.skein.xmpp.sasl;
