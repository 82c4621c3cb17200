/**
 * The node: {@link org.skein.XmppServer} wires one node's services together, {@link org.skein.ServerContext}
 * is how plugins and cluster tasks reach them, {@link org.skein.Main} runs a node from the command line.
 */
package org.skein;
