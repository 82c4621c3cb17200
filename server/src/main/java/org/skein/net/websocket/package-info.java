/**
 * XMPP over WebSocket (RFC 7395) and XEP-0156 discovery: a transport of the node's client listener
 * ({@link org.skein.net.websocket.WebSocketTransport}) on a port of its own, {@code ws://} or
 * {@code wss://} with the node's certificate, built on Netty's HTTP and WebSocket codecs. It only frames:
 * {@code <open/>} and {@code <close/>} become the stream header and end tag, each message's bytes go to
 * the same XML stream decoder, and the same {@code ClientStream} negotiates, authenticates and routes,
 * so a web client gets every feature, limit and stream error a TCP client gets. The same port answers
 * {@code /.well-known/host-meta} and {@code host-meta.json}, which point web clients that know only the
 * domain at the WebSocket address.
 *
 * <pre>
 *  text message ─► FramingCodec ─► bytes (&lt;open/&gt; ─► &lt;stream:stream&gt;) ─► XmlStreamDecoder ─► ClientStream
 *  text message ◄─ FramingCodec ◄─ one write per element (+ xmlns='jabber:client') ◄─ NettyClientConnection
 * </pre>
 */
package org.skein.net.websocket;
