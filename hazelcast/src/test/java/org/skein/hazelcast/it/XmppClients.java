package org.skein.hazelcast.it;

import java.net.InetAddress;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.X509TrustManager;
import org.jivesoftware.smack.AbstractXMPPConnection;
import org.jivesoftware.smack.ConnectionConfiguration.SecurityMode;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.skein.c2s.SmackClients;

/**
 * Smack clients for nodes that run in other JVMs: STARTTLS required, trusting only the domain's
 * certificate (one PKCS12 keystore that every node of the cluster is configured with, made by
 * {@link org.skein.testing.TestKeystores}), SCRAM-SHA-1. {@link #close()} disconnects every client made.
 */
final class XmppClients implements AutoCloseable {

    private final String domain;
    private final X509TrustManager trust;
    private final List<AbstractXMPPConnection> connections = new CopyOnWriteArrayList<>();

    XmppClients(String domain, X509Certificate certificate) throws Exception {
        this.domain = domain;
        this.trust = SmackClients.trusting(certificate);
    }

    /** A client for {@code user/resource} on the node listening on {@code port}, not yet connected (add listeners first). */
    XMPPTCPConnection client(int port, String user, String password, String resource) throws Exception {
        XMPPTCPConnection connection = new XMPPTCPConnection(XMPPTCPConnectionConfiguration.builder()
                .setXmppDomain(domain)
                .setHostAddress(InetAddress.getByName("127.0.0.1"))
                .setPort(port)
                .setSecurityMode(SecurityMode.required)
                .setCustomX509TrustManager(trust)
                .addEnabledSaslMechanism("SCRAM-SHA-1")
                .setUsernameAndPassword(user, password)
                .setResource(resource)
                .setConnectTimeout(10_000)
                .build());
        connection.setReplyTimeout(10_000);
        connections.add(connection);
        return connection;
    }

    /** A connected, logged-in client (it has sent its initial presence). */
    XMPPTCPConnection login(int port, String user, String password, String resource) throws Exception {
        XMPPTCPConnection connection = client(port, user, password, resource);
        connection.connect().login();
        return connection;
    }

    @Override
    public void close() {
        for (AbstractXMPPConnection connection : connections) {
            if (connection.isConnected()) {
                connection.disconnect();
            }
        }
        connections.clear();
    }
}
