/** XMPP Ping (XEP-0199): the server answers pings to itself and, on users' behalf, to bare JIDs. */
package org.skein.ping;
