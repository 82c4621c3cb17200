/**
 * IQ handling (RFC 6120 section 8.2.3): the {@link org.skein.iq.IqRouter} sends each IQ to the handler
 * of its child element's namespace when it is addressed to the server or to a user's bare JID, routes
 * IQs for full JIDs to that session, and answers with the RFC's errors otherwise. IQs between users
 * pass the {@link org.skein.blocking.BlockingPolicy} first (XEP-0191).
 * {@link org.skein.iq.IqHandler} is the extension point; each XMPP extension package (disco, ping,
 * register, roster, vcard, privatedata, blocking, version, lastactivity) brings its own handler.
 */
package org.skein.iq;
