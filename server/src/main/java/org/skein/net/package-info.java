/**
 * The network side of client connections: the Netty listener ({@link org.skein.net.C2sListener}), its
 * pipeline (idle detection, TLS when started, the XML stream decoder, and the handler that hands each
 * stream event to the connection's serial processing executor), and the
 * {@link org.skein.session.ClientConnection} over a channel. Event-loop threads only read, parse and
 * write; all XMPP logic runs on the processing pool, in order per connection.
 *
 * <p>Every accepted connection passes the listener's {@link org.skein.net.ConnectionGate} (node-wide and
 * per-address caps, logins in progress, a connection rate per address; settings in
 * {@link org.skein.net.ConnectionLimits}) and must log in before its login deadline.
 *
 * <pre>
 *  bytes in ──► [tls] ──► idle ──► XmlStreamDecoder ──► C2sChannelHandler ──► SerialExecutor ──► StreamHandler
 *  bytes out ◄─ [tls] ◄──────────────── NettyClientConnection.send (any thread) ◄──────────────────┘
 * </pre>
 */
package org.skein.net;
