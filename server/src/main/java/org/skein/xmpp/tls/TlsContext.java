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
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
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
import java.util.Set;
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
 * into {@code data/tls/self-signed.p12} in the node's home and reused on later starts.
 *
 * <p>The self-signed keystore is protected by a password generated with it and kept beside it in
 * {@code data/tls/self-signed.password}; both files are readable by the node's user only (mode 600, the
 * folder 700, where the file system has POSIX permissions), and their modes are tightened again at each
 * start. A keystore made by an older version (with the password that was once built into the code) is
 * read with that password once, then stored again under a generated one. A configured keystore that
 * other users may read is reported in the log. Thread-safe.
 */
public final class TlsContext {

    private static final Logger LOG = LoggerFactory.getLogger(TlsContext.class);

    public static final String KEYSTORE_KEY = "xmpp.tls.keystore";
    public static final String PASSWORD_KEY = "xmpp.tls.keystorePassword";
    /** The password keystores made before generated passwords had; read once, to move them to a generated one. */
    private static final String LEGACY_SELF_SIGNED_PASSWORD = "skein-self-signed";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_FOLDER = PosixFilePermissions.fromString("rwx------");

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
            warnIfOthersCanRead(file, config, KEYSTORE_KEY);
        } else {
            file = home.resolve("data").resolve("tls").resolve("self-signed.p12");
            password = selfSignedPassword(file, domain);
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

    /**
     * The password of the self-signed keystore: made with a new keystore, read from the password
     * file, or (for a keystore an older version made) the old built-in one, after which the keystore
     * is stored again under a new password. Leaves both files readable by their owner only.
     */
    private static char[] selfSignedPassword(Path file, String domain) {
        Path passwordFile = file.resolveSibling("self-signed.password");
        try {
            Path folder = Objects.requireNonNull(file.getParent());
            Files.createDirectories(folder);
            ownerOnly(folder, OWNER_ONLY_FOLDER);
            if (!Files.exists(file)) {
                char[] fresh = newPassword();
                writeSecret(passwordFile, new String(fresh)); // first: a keystore is never left without its password
                generateSelfSigned(file, fresh, domain);
                return fresh;
            }
            ownerOnly(file, OWNER_ONLY_FILE);
            if (Files.exists(passwordFile)) {
                ownerOnly(passwordFile, OWNER_ONLY_FILE);
                char[] stored = Files.readString(passwordFile, java.nio.charset.StandardCharsets.UTF_8).trim().toCharArray();
                if (opens(file, stored)) {
                    return stored;
                }
            }
            char[] legacy = LEGACY_SELF_SIGNED_PASSWORD.toCharArray();
            if (!opens(file, legacy)) {
                throw new ConfigException(file + ": the self-signed keystore cannot be opened with the password in " + passwordFile
                        + "; delete both files to make a new self-signed certificate");
            }
            char[] fresh = newPassword();
            KeyStore keyStore = read(file, legacy);
            String alias = Collections.list(keyStore.aliases()).stream().filter(a -> {
                try {
                    return keyStore.isKeyEntry(a);
                } catch (GeneralSecurityException e) {
                    return false;
                }
            }).findFirst().orElseThrow(() -> new ConfigException(file + ": the keystore holds no private key"));
            PrivateKey key = (PrivateKey) keyStore.getKey(alias, legacy);
            X509Certificate certificate = (X509Certificate) keyStore.getCertificate(alias);
            writeSecret(passwordFile, new String(fresh)); // first: a keystore that is not stored yet still opens with the old one
            store(file, fresh, key, certificate);
            LOG.info("Stored the self-signed certificate's key in {} under a generated password (in {})", file, passwordFile);
            return fresh;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read or protect the self-signed keystore " + file + ": " + e.getMessage(), e);
        }
    }

    private static char[] newPassword() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).toCharArray();
    }

    private static boolean opens(Path file, char[] password) {
        try {
            read(file, password);
            return true;
        } catch (IOException | GeneralSecurityException e) {
            return false;
        }
    }

    private static KeyStore read(Path file, char[] password) throws IOException, GeneralSecurityException {
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            keyStore.load(in, password);
        }
        return keyStore;
    }

    /** Writes a file readable by its owner only: created with those permissions, then moved into place. */
    private static void writeSecret(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        createOwnerOnly(tmp);
        Files.writeString(tmp, content, java.nio.charset.StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void createOwnerOnly(Path file) throws IOException {
        if (posix(file)) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
        } else {
            Files.createFile(file);
        }
    }

    private static void ownerOnly(Path path, Set<PosixFilePermission> permissions) throws IOException {
        if (posix(path) && !Files.getPosixFilePermissions(path).equals(permissions)) {
            Files.setPosixFilePermissions(path, permissions);
        }
    }

    private static boolean posix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /** Reports a configured keystore that users other than the node's may read (it holds the private key). */
    private static void warnIfOthersCanRead(Path file, ServerConfig config, String key) {
        try {
            if (posix(file)) {
                Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
                if (permissions.contains(PosixFilePermission.OTHERS_READ) || permissions.contains(PosixFilePermission.GROUP_READ)) {
                    LOG.warn("{}: the keystore {} (key '{}') holds the private key and can be read by other users ({}); "
                            + "make it readable by the node's user only: chmod 600 {}", config.source(), file, key,
                            PosixFilePermissions.toString(permissions), file);
                }
            }
        } catch (IOException e) {
            LOG.debug("Cannot read the permissions of {}", file, e);
        }
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
        Files.deleteIfExists(tmp);
        createOwnerOnly(tmp); // never readable by others, not even for a moment
        try (OutputStream out = Files.newOutputStream(tmp)) {
            keyStore.store(out, password);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
