/**
 * Software version (XEP-0092, {@code jabber:iq:version}) of the server: its name (Skein) and version,
 * and its operating system only when the operator allows it ({@code xmpp.version.showOs}), since the
 * OS tells an attacker what to try. Requests to users' JIDs are not answered here: to a full JID they
 * go to the client, to a bare JID they get {@code service-unavailable} from the router.
 */
package org.skein.version;
