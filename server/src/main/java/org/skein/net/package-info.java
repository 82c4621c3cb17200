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
 * <p>Outbound flow control ({@link org.skein.net.OutboundLimits}): a connection writes to the socket only
 * while its channel is writable (the water marks), keeps the rest in its own queue, and reports itself
 * backlogged over its byte bound, so that the session applies the slow-consumer policy instead of
 * queueing more; a connection that stays over its bound is ended with {@code policy-violation}. No
 * thread ever waits for a client's socket.
 *
 * <pre>
 *  bytes in ──► [tls] ──► idle ──► XmlStreamDecoder ──► C2sChannelHandler ──► SerialExecutor ──► StreamHandler
 *  bytes out ◄─ [tls] ◄── (while writable) ── NettyClientConnection queue ◄── send/sendStanza (any thread)
 * </pre>
 */
package org.skein.net;
