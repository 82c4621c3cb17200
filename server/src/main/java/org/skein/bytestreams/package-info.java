/**
 * A SOCKS5 bytestreams proxy (XEP-0065) at {@code proxy.<domain>}: the relay two clients use for a
 * file transfer (XEP-0096 over XEP-0065) when neither can reach the other directly, as behind NAT,
 * or when the initiator has no address of its own to offer (Smack offers none on a loopback
 * connection).
 *
 * <pre>
 *   initiator ─ disco#items of the server ─▶ proxy.&lt;domain&gt; (identity proxy/bytestreams)
 *   initiator ─ bytestreams query ─▶ {@link org.skein.bytestreams.ProxyComponent}: streamhost host:port of this node's relay
 *   target    ─ SOCKS5 CONNECT sha1(sid + initiator + target) ─▶ {@link org.skein.bytestreams.Socks5Relay} (waits)
 *   initiator ─ SOCKS5 CONNECT, same digest ─▶ Socks5Relay (waits)
 *   initiator ─ activate target ─▶ ProxyComponent ─▶ Socks5Relay links the two connections
 * </pre>
 *
 * <p>Every node runs its own relay and announces its own address, and a client's IQs to
 * {@code proxy.<domain>} reach the component on the node it is connected to: the initiator learns the
 * address of its own node's relay, both connections go there, and the activation is handled there too,
 * whichever nodes the two users are on. Nothing is shared between nodes.
 *
 * <p>Off unless {@code xmpp.proxy65.enabled} is true (it opens a port that clients must reach); see
 * {@link org.skein.bytestreams.ProxySettings} for the keys.
 */
package org.skein.bytestreams;
