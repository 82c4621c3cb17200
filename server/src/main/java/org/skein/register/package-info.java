/**
 * In-band registration (XEP-0077): creating an account before authenticating, changing the password
 * and cancelling the account after; all of it on only when {@code xmpp.register.enabled} is true.
 */
package org.skein.register;
