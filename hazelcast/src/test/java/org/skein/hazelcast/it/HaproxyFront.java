package org.skein.hazelcast.it;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Debian's HAProxy ({@code /usr/sbin/haproxy}) in front of nodes' WebSocket ports, run with the
 * configuration that {@code docs/operations.md} gives operators, only with this test's addresses, ports
 * and a certificate of its own for {@code localhost}. Closing it stops the process.
 */
final class HaproxyFront implements AutoCloseable {

    static final Path HAPROXY = Path.of(System.getProperty("skein.haproxy", "/usr/sbin/haproxy"));
    static final Path OPERATIONS = Path.of(System.getProperty("skein.repository", "..")).resolve("docs").resolve("operations.md");

    private final Process process;
    private final int port;
    private final X509Certificate certificate;
    private final Path log;

    /**
     * Starts HAProxy on 127.0.0.1:{@code port} (TLS) in front of the given WebSocket ports of 127.0.0.1.
     *
     * @param work a folder for the configuration, the certificate and the log
     */
    HaproxyFront(Path work, int port, List<Integer> nodePorts) throws Exception {
        if (!Files.isExecutable(HAPROXY)) {
            throw new IllegalStateException("The reverse proxy test needs " + HAPROXY + " (Debian: sudo apt-get install -y haproxy; .ci/run installs it)");
        }
        this.port = port;
        Files.createDirectories(work);
        Path pem = work.resolve("localhost.pem");
        this.certificate = writeCertificate(pem);
        Path config = work.resolve("haproxy.cfg");
        Files.writeString(config, configuration(documented(), pem, port, nodePorts));
        this.log = work.resolve("haproxy.log");
        ProcessBuilder check = new ProcessBuilder(HAPROXY.toString(), "-c", "-f", config.toString()).redirectErrorStream(true);
        Process checking = check.start();
        String verdict = new String(checking.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!checking.waitFor(60, TimeUnit.SECONDS) || checking.exitValue() != 0) {
            throw new IllegalStateException("haproxy refused the documented configuration:\n" + verdict + "\n" + Files.readString(config));
        }
        process = new ProcessBuilder(HAPROXY.toString(), "-db", "-f", config.toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
    }

    /** The HAProxy block of the operations guide (the first code block after "HAProxy (Debian's"). */
    static String documented() throws IOException {
        String guide = Files.readString(OPERATIONS, StandardCharsets.UTF_8);
        int section = guide.indexOf("HAProxy (Debian's");
        Matcher block = Pattern.compile("```\\n(.*?)```", Pattern.DOTALL).matcher(guide);
        if (section < 0 || !block.find(section)) {
            throw new IllegalStateException(OPERATIONS + " has no HAProxy configuration block");
        }
        return block.group(1);
    }

    /** The documented configuration with this test's listener, certificate and servers. */
    static String configuration(String documented, Path pem, int port, List<Integer> nodePorts) {
        StringBuilder servers = new StringBuilder();
        for (int i = 0; i < nodePorts.size(); i++) {
            servers.append("    server node").append(i + 1).append(" 127.0.0.1:").append(nodePorts.get(i)).append(" check inter 1s\n");
        }
        String config = documented
                .replace("bind :443 ssl crt /etc/haproxy/chat.example.org.pem", "bind 127.0.0.1:" + port + " ssl crt " + pem)
                .replaceAll("(?m)^    server node\\d+ .*\\n", "");
        if (config.equals(documented) || !config.contains("bind 127.0.0.1:" + port)) {
            throw new IllegalStateException("the documented HAProxy configuration changed shape: adapt " + HaproxyFront.class.getSimpleName());
        }
        return config.stripTrailing() + "\n" + servers;
    }

    int port() {
        return port;
    }

    /** The certificate HAProxy shows, issued for localhost. */
    X509Certificate certificate() {
        return certificate;
    }

    /** Waits until HAProxy accepts connections. */
    void awaitListening(Duration atMost) throws Exception {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("haproxy exited with " + process.exitValue() + ":\n" + Files.readString(log));
            }
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("haproxy does not listen on " + port + ":\n" + Files.readString(log), e);
                }
                process.waitFor(100, TimeUnit.MILLISECONDS); // a short pause that also notices an early exit
            }
        }
    }

    String log() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    private static X509Certificate writeCertificate(Path pem) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        KeyPair pair = generator.generateKeyPair();
        X500Name name = new X500Name("CN=localhost");
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(30))), name, pair.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, "localhost")));
        X509Certificate certificate = new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
        try (Writer out = new OutputStreamWriter(Files.newOutputStream(pem), StandardCharsets.US_ASCII);
             JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(certificate);
            writer.writeObject(new JcaPKCS8Generator(pair.getPrivate(), null)); // PKCS#8, which HAProxy's OpenSSL reads
        }
        return certificate;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
