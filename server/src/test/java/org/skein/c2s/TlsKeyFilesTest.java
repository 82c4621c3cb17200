package org.skein.c2s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.skein.XmppServer;
import org.skein.testing.TestNodes;

/**
 * Issue 12, item 14: the self-signed certificate's private key is readable by the node's user only and
 * protected by a generated password; a keystore an older version made (world-readable, with the
 * password once built into the code) keeps working and is moved to the same protection.
 */
class TlsKeyFilesTest {

    private static final String OLD_BUILT_IN_PASSWORD = "skein-self-signed";

    @TempDir
    Path dir;

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    private static boolean opens(Path keystore, String password) throws Exception {
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore.getInstance("PKCS12").load(in, password.toCharArray());
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Test
    void aNewSelfSignedKeyIsOwnerOnlyUnderAGeneratedPassword() throws Exception {
        try (TestNodes nodes = new TestNodes(dir)) {
            XmppServer node = nodes.start("node", Map.of());
            Path tls = node.homeDirectory().resolve("data").resolve("tls");
            Path keystore = tls.resolve("self-signed.p12");
            Path password = tls.resolve("self-signed.password");
            assertThat(mode(tls)).isEqualTo("rwx------");
            assertThat(mode(keystore)).isEqualTo("rw-------");
            assertThat(mode(password)).isEqualTo("rw-------");
            String generated = Files.readString(password, StandardCharsets.UTF_8).trim();
            assertThat(generated).hasSizeGreaterThanOrEqualTo(32).isNotEqualTo(OLD_BUILT_IN_PASSWORD);
            assertThat(opens(keystore, OLD_BUILT_IN_PASSWORD)).isFalse();
            assertThat(opens(keystore, generated)).isTrue();
            // a second node in another home gets another password
            XmppServer other = nodes.start("other", Map.of());
            assertThat(Files.readString(other.homeDirectory().resolve("data/tls/self-signed.password")).trim()).isNotEqualTo(generated);
        }
    }

    @Test
    void aKeystoreFromAnOlderVersionKeepsWorkingAndIsProtected() throws Exception {
        Path home = dir.resolve("node");
        Path tls = Files.createDirectories(home.resolve("data").resolve("tls"));
        Path keystore = tls.resolve("self-signed.p12");
        X509Certificate certificate = oldKeystore(keystore);
        Files.setPosixFilePermissions(tls, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(keystore, PosixFilePermissions.fromString("rw-r--r--"));

        try (TestNodes nodes = new TestNodes(dir)) {
            XmppServer node = nodes.start("node", Map.of());
            assertThat(node.tlsCertificate()).as("the same certificate as before").isEqualTo(certificate);
            assertThat(mode(tls)).isEqualTo("rwx------");
            assertThat(mode(keystore)).isEqualTo("rw-------");
            Path password = tls.resolve("self-signed.password");
            assertThat(mode(password)).isEqualTo("rw-------");
            assertThat(opens(keystore, OLD_BUILT_IN_PASSWORD)).isFalse();
            assertThat(opens(keystore, Files.readString(password).trim())).isTrue();

            node.userManager().createUser("tess", "secret", "", "");
            try (SmackClients clients = new SmackClients(node)) {
                XMPPTCPConnection client = clients.login("tess", "secret", "tls");
                assertThat(client.isSecureConnection()).as("clients still get TLS with the old certificate").isTrue();
            }

            node.stop();
            XmppServer again = nodes.start("node", Map.of());
            assertThat(again.tlsCertificate()).as("and after a restart").isEqualTo(certificate);
        }
    }

    /** A keystore as versions before generated passwords wrote it. */
    private static X509Certificate oldKeystore(Path file) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        KeyPair pair = generator.generateKeyPair();
        X500Name name = new X500Name("CN=localhost");
        Instant now = Instant.now();
        X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name,
                BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minus(1, ChronoUnit.DAYS)), Date.from(now.plus(365, ChronoUnit.DAYS)),
                name, pair.getPublic()).build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        keyStore.load(null, null);
        keyStore.setKeyEntry("skein", pair.getPrivate(), OLD_BUILT_IN_PASSWORD.toCharArray(), new Certificate[] {certificate});
        try (OutputStream out = Files.newOutputStream(file)) {
            keyStore.store(out, OLD_BUILT_IN_PASSWORD.toCharArray());
        }
        return certificate;
    }
}
