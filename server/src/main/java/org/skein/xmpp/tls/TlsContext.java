package org.skein.xmpp.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Date;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.skein.config.ConfigException;
import org.skein.config.ServerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's TLS identity and the factory of server-side {@link SslHandler}s. The certificate comes
 * from {@code xmpp.tls.keystore} (PKCS12, password {@code xmpp.tls.keystorePassword}) when the operator
 * configured one; otherwise a self-signed certificate for the XMPP domain is generated on first start
 * into {@code data/tls/self-signed.p12} in the node's home and reused on later starts. Thread-safe.
 */
public final class TlsContext {

    private static final Logger LOG = LoggerFactory.getLogger(TlsContext.class);

    public static final String KEYSTORE_KEY = "xmpp.tls.keystore";
    public static final String PASSWORD_KEY = "xmpp.tls.keystorePassword";
    private static final String SELF_SIGNED_PASSWORD = "skein-self-signed";

    private final SslContext sslContext;
    private final X509Certificate certificate;
    private final KeyManagerFactory keyManagers;

    private TlsContext(SslContext sslContext, X509Certificate certificate, KeyManagerFactory keyManagers) {
        this.sslContext = sslContext;
        this.certificate = certificate;
        this.keyManagers = keyManagers;
    }

    /**
     * Loads the configured keystore, or the self-signed one in {@code home/data/tls}, creating it if
     * it does not exist.
     *
     * @throws ConfigException if the configured keystore cannot be read
     */
    public static TlsContext load(ServerConfig config, Path home, String domain) {
        String configured = config.get(KEYSTORE_KEY, "").trim();
        Path file;
        char[] password;
        if (!configured.isEmpty()) {
            file = home.resolve(configured);
            password = config.get(PASSWORD_KEY, "").toCharArray();
            if (!Files.isReadable(file)) {
                throw new ConfigException(config.source() + ": key '" + KEYSTORE_KEY + "' is '" + configured
                        + "', expected a readable PKCS12 keystore (looked for " + file + ")");
            }
        } else {
            file = home.resolve("data").resolve("tls").resolve("self-signed.p12");
            password = SELF_SIGNED_PASSWORD.toCharArray();
            if (!Files.exists(file)) {
                generateSelfSigned(file, password, domain);
            }
        }
        try {
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(file)) {
                keyStore.load(in, password);
            }
            X509Certificate certificate = null;
            for (String alias : Collections.list(keyStore.aliases())) {
                if (keyStore.isKeyEntry(alias)) {
                    certificate = (X509Certificate) keyStore.getCertificate(alias);
                    break;
                }
            }
            if (certificate == null) {
                throw new ConfigException(file + ": the keystore holds no private key with a certificate");
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keyStore, password);
            SslContext context = SslContextBuilder.forServer(kmf).sslProvider(SslProvider.JDK)
                    .protocols("TLSv1.3", "TLSv1.2").build();
            return new TlsContext(context, certificate, kmf);
        } catch (IOException | GeneralSecurityException e) {
            String key = configured.isEmpty() ? "(self-signed certificate)" : "'" + KEYSTORE_KEY + "'/'" + PASSWORD_KEY + "'";
            throw new ConfigException(config.source() + ": key " + key + ": cannot load the PKCS12 keystore " + file
                    + ", expected a PKCS12 file with a private key and its certificate and the right password: "
                    + e.getMessage(), e);
        }
    }

    /** A handler that starts TLS on a connection; the first write (STARTTLS's proceed) goes out in clear. */
    public SslHandler newStartTlsHandler(ByteBufAllocator allocator) {
        return new SslHandler(sslContext.newEngine(allocator), true);
    }

    /** A handler that speaks TLS from the first byte (for {@code wss://}, TLS under the WebSocket). */
    public SslHandler newServerHandler(ByteBufAllocator allocator) {
        return sslContext.newHandler(allocator);
    }

    /**
     * A JDK {@link SSLContext} with the same key and certificate, for the node's other TLS servers
     * (the admin console's HTTPS), so an operator installs one certificate for everything.
     */
    public SSLContext newJdkServerContext() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK offers no TLS context: " + e.getMessage(), e);
        }
    }

    /** The node's certificate (clients that do not trust a public CA may pin it). */
    public X509Certificate certificate() {
        return certificate;
    }

    private static void generateSelfSigned(Path file, char[] password, String domain) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair pair = generator.generateKeyPair();
            X500Name name = new X500Name("CN=" + domain);
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name,
                    new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofDays(1))),
                    Date.from(now.plus(Duration.ofDays(3650))), name, pair.getPublic());
            builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.dNSName, domain)));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate());
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(builder.build(signer));
            store(file, password, pair.getPrivate(), certificate);
            LOG.info("Generated a self-signed certificate for '{}' in {}", domain, file);
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot generate a self-signed certificate in " + file + ": " + e.getMessage(), e);
        }
    }

    private static void store(Path file, char[] password, PrivateKey key, X509Certificate certificate)
            throws GeneralSecurityException, IOException {
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        keyStore.load(null, null);
        keyStore.setKeyEntry("skein", key, password, new Certificate[] {certificate});
        Files.createDirectories(Objects.requireNonNull(file.getParent()));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            keyStore.store(out, password);
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
