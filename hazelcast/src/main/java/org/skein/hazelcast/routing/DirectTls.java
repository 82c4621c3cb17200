package org.skein.hazelcast.routing;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.skein.cluster.ClusterException;

/**
 * TLS for the {@link DirectStream}: each start of a node makes a fresh EC key pair and a self-signed
 * certificate (BouncyCastle, in memory only) and speaks TLS 1.3 with it on its stanza port. No certificate
 * authority is involved: the connecting node accepts whatever certificate it is shown at the TLS layer and the
 * {@link DirectHandshake} binds it: both ends put the SHA-256 fingerprint of the listening node's certificate,
 * as each of them sees it, into their HMAC proofs of the cluster secret, so a man in the middle (who would have
 * to show a certificate of his own) cannot complete the handshake without the secret. Immutable.
 */
final class DirectTls {

    private static final String[] PROTOCOLS = {"TLSv1.3"};

    private final SslContext server;
    private final SslContext client;
    private final byte[] fingerprint;

    private DirectTls(SslContext server, SslContext client, byte[] fingerprint) {
        this.server = server;
        this.client = client;
        this.fingerprint = fingerprint;
    }

    /** A fresh key pair and certificate for one start of a node. */
    static DirectTls generate(String node) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair pair = generator.generateKeyPair();
            X500Name name = new X500Name("CN=skein-node-" + node.replaceAll("[^A-Za-z0-9._-]", "_"));
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, new BigInteger(64, new SecureRandom()),
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(3650))), name, pair.getPublic());
            X509Certificate certificate = new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
            SslContext server = SslContextBuilder.forServer(pair.getPrivate(), certificate)
                    .sslProvider(SslProvider.JDK).protocols(PROTOCOLS).build();
            SslContext client = SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE)
                    .sslProvider(SslProvider.JDK).protocols(PROTOCOLS).build();
            return new DirectTls(server, client, fingerprint(certificate));
        } catch (GeneralSecurityException | OperatorCreationException | SSLException e) {
            throw new ClusterException("node " + node + " could not make the key and certificate of its stanza port: " + e, e);
        }
    }

    SslHandler serverHandler(ByteBufAllocator alloc) {
        return server.newHandler(alloc);
    }

    SslHandler clientHandler(ByteBufAllocator alloc) {
        return client.newHandler(alloc);
    }

    /** The SHA-256 of this node's certificate. */
    byte[] fingerprint() {
        return fingerprint.clone();
    }

    /** The SHA-256 of the certificate the other end showed on this connection. */
    static byte[] peerFingerprint(SslHandler handler) throws SSLPeerUnverifiedException {
        Certificate[] chain = handler.engine().getSession().getPeerCertificates();
        try {
            return fingerprint(chain[0]);
        } catch (GeneralSecurityException e) {
            throw new SSLPeerUnverifiedException("the peer's certificate cannot be read: " + e);
        }
    }

    private static byte[] fingerprint(Certificate certificate) throws GeneralSecurityException {
        return MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
    }
}
