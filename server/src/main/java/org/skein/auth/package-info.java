/**
 * Authentication that every way in shares: SCRAM credentials (salt, iterations, StoredKey, ServerKey;
 * never clear passwords), the {@link org.skein.auth.LoginThrottle} that slows down password guessing
 * on XMPP and on the admin console alike, and the {@link org.skein.auth.ServerSecrets} the nodes of a
 * cluster share.
 */
package org.skein.auth;
