package org.skein.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;

/**
 * Keystores made as an operator makes them: {@code keytool} into a PKCS12 file, for nodes that must all
 * present the same certificate ({@code xmpp.tls.keystore}), e.g. behind a round-robin front.
 */
public final class TestKeystores {

    private TestKeystores() {
    }

    /**
     * Makes a self-signed certificate for {@code domain} (CN and DNS subject alternative name), alias
     * {@code xmpp}, into a new PKCS12 keystore.
     *
     * @return the certificate
     */
    public static X509Certificate selfSigned(Path file, String domain, String password) throws IOException, InterruptedException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "xmpp", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=" + domain, "-ext", "SAN=dns:" + domain, "-validity", "7",
                "-storetype", "PKCS12", "-keystore", file.toString(), "-storepass", password, "-keypass", password)
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("keytool failed: " + output);
        }
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password.toCharArray());
            return (X509Certificate) store.getCertificate("xmpp");
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the keystore keytool made: " + e.getMessage(), e);
        }
    }
}
