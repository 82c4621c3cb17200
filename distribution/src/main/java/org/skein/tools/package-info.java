/**
 * Command-line tools shipped in the distribution's {@code tools/skein-tools.jar} and run by
 * {@code bin/skein}: {@code check} (two users on two nodes exchange a message and a presence, with
 * the round trip measured) and {@code cluster} (the cluster as each node's admin console shows it).
 * They talk to nodes only as a client and an admin would: XMPP and HTTP, never the server's classes.
 */
package org.skein.tools;
