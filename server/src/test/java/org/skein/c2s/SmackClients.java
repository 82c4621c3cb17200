package org.skein.c2s;

import java.net.InetAddress;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.jivesoftware.smack.AbstractXMPPConnection;
import org.jivesoftware.smack.ConnectionConfiguration.SecurityMode;
import org.jivesoftware.smack.SASLAuthentication;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.skein.XmppServer;

/**
 * Smack clients for a node started in the test: TLS required and trusting only the node's own
 * (generated) certificate, one SASL mechanism at a time. Disconnects every client it made on
 * {@link #close()}. Public for the admin console's tests, which show and close such sessions.
 */
public final class SmackClients implements AutoCloseable {

    /** How long a polite disconnect may take before the connection is stopped at once. */
    private static final java.time.Duration DISCONNECT_WAIT = java.time.Duration.ofSeconds(20);

    static {
        SASLAuthentication.registerSASLMechanism(new ScramSha256ClientMechanism());
    }

    private final XmppServer node;
    private final List<AbstractXMPPConnection> connections = new ArrayList<>();

    public SmackClients(XmppServer node) {
        this.node = node;
    }

    /** A configuration for a user, not yet connected. */
    XMPPTCPConnectionConfiguration.Builder config(String user, String password, String resource, String mechanism) throws Exception {
        XMPPTCPConnectionConfiguration.Builder builder = XMPPTCPConnectionConfiguration.builder()
                .setXmppDomain(node.xmppDomain())
                .setHostAddress(InetAddress.getLoopbackAddress())
                .setPort(node.c2sPort())
                .setSecurityMode(SecurityMode.required)
                .setCustomX509TrustManager(trusting(node.tlsCertificate()))
                .addEnabledSaslMechanism(mechanism)
                .setConnectTimeout(10_000);
        if (user != null) {
            builder.setUsernameAndPassword(user, password);
        }
        if (resource != null) {
            builder.setResource(resource);
        }
        return builder;
    }

    /** A connected, logged-in client using SCRAM-SHA-1. */
    public XMPPTCPConnection login(String user, String password, String resource) throws Exception {
        return login(user, password, resource, "SCRAM-SHA-1");
    }

    public XMPPTCPConnection login(String user, String password, String resource, String mechanism) throws Exception {
        XMPPTCPConnection connection = new XMPPTCPConnection(config(user, password, resource, mechanism).build());
        connection.setReplyTimeout(10_000);
        connections.add(connection);
        connection.connect().login();
        return connection;
    }

    /** A client for a user that is neither connected nor logged in (to add listeners first); closed with the others. */
    public XMPPTCPConnection unconnected(String user, String password, String resource) throws Exception {
        XMPPTCPConnection connection = new XMPPTCPConnection(config(user, password, resource, "SCRAM-SHA-1").build());
        connection.setReplyTimeout(10_000);
        connections.add(connection);
        return connection;
    }

    /** A connected client that has not logged in. */
    XMPPTCPConnection connectOnly() throws Exception {
        XMPPTCPConnection connection = new XMPPTCPConnection(config(null, null, null, "SCRAM-SHA-1").build());
        connection.setReplyTimeout(10_000);
        connections.add(connection);
        connection.connect();
        return connection;
    }

    public static X509TrustManager trusting(X509Certificate certificate) throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        store.setCertificateEntry("node", certificate);
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return (X509TrustManager) factory.getTrustManagers()[0];
    }

    @Override
    public void close() {
        for (AbstractXMPPConnection connection : connections) {
            if (connection.isConnected()) {
                disconnect(connection);
            }
        }
        connections.clear();
    }

    /**
     * Disconnects politely, or, when Smack's disconnect cannot finish (its writer queue is full on a connection the
     * node already closed, after a test that made the node close it), stops the connection at once: a test's clean-up
     * must never hang.
     */
    private static void disconnect(AbstractXMPPConnection connection) {
        Thread polite = new Thread(connection::disconnect, "smack-disconnect-" + connection.getConnectionCounter());
        polite.setDaemon(true);
        polite.start();
        try {
            polite.join(DISCONNECT_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (polite.isAlive()) {
            polite.interrupt();
            connection.instantShutdown();
        }
    }
}
