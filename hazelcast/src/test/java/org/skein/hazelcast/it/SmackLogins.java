package org.skein.hazelcast.it;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.jivesoftware.smack.ConnectionConfiguration.SecurityMode;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.skein.XmppServer;
import org.skein.c2s.SmackClients;

/**
 * Smack clients logged in to nodes started in a test: TLS required, trusting only that node's
 * (generated) certificate, SCRAM-SHA-1. Disconnects every client it made on {@link #close()}.
 */
final class SmackLogins implements AutoCloseable {

    private final List<XMPPTCPConnection> connections = new CopyOnWriteArrayList<>();

    /** A logged-in client of {@code user} with this resource on this node (initial presence sent). */
    XMPPTCPConnection login(XmppServer node, String user, String resource) throws Exception {
        return login(node, user, resource, connection -> { });
    }

    /** The same, with {@code beforeLogin} run on the connection first (to catch what arrives at once, such as offline messages). */
    XMPPTCPConnection login(XmppServer node, String user, String resource, Consumer<XMPPTCPConnection> beforeLogin) throws Exception {
        XMPPTCPConnection connection = new XMPPTCPConnection(XMPPTCPConnectionConfiguration.builder()
                .setXmppDomain(node.xmppDomain())
                .setHostAddress(InetAddress.getLoopbackAddress())
                .setPort(node.c2sPort())
                .setSecurityMode(SecurityMode.required)
                .setCustomX509TrustManager(SmackClients.trusting(node.tlsCertificate()))
                .addEnabledSaslMechanism("SCRAM-SHA-1")
                .setUsernameAndPassword(user, "secret")
                .setResource(resource)
                .setConnectTimeout(10_000)
                .build());
        connection.setReplyTimeout(10_000);
        connections.add(connection);
        beforeLogin.accept(connection);
        connection.connect().login();
        return connection;
    }

    @Override
    public void close() {
        for (XMPPTCPConnection connection : connections) {
            if (connection.isConnected()) {
                connection.disconnect();
            }
        }
        connections.clear();
    }
}
