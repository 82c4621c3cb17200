package org.skein.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.skein.XmppServer;
import org.skein.hazelcast.it.HazelcastNodes;
import org.skein.testing.TestKeystores;
import org.skein.testing.TestNodes;
import org.xmpp.packet.JID;

/**
 * Smack's integration test suite against real Skein nodes, twice: one node, and three clustered nodes
 * (real Hazelcast members, one shared database) behind a round-robin front, so that the suite's three
 * main accounts sit on three different nodes. Both runs require STARTTLS and make their accounts by
 * in-band registration; every node presents the same certificate, which SINT pins.
 *
 * <p>A run passes when every failure is listed in the expectations file and no listed test passed.
 * Both runs write {@code target/sint-report.md}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SintIT {

    private static final String DOMAIN = "sint.skein.test";
    private static final String KEYSTORE_PASSWORD = "sint-keystore";

    @TempDir
    static Path dir;

    private static Path keystore;
    private static X509Certificate certificate;
    private static ExpectedFailures expectations;
    private static SintReport report;
    private static SintSelection selection;

    @BeforeAll
    static void domainCertificateAndExpectations() throws Exception {
        expectations = ExpectedFailures.fromSystemProperty();
        report = SintReport.inReportDir(expectations);
        selection = SintSelection.fromSystemProperties();
        keystore = dir.resolve("domain.p12");
        certificate = TestKeystores.selfSigned(keystore, DOMAIN, KEYSTORE_PASSWORD);
    }

    /**
     * What SINT needs of a node: TLS required with the domain's certificate, in-band registration; and
     * every service Skein offers switched on (a feature behind a key belongs here once it exists).
     */
    private static Map<String, String> nodeConfig() {
        Map<String, String> config = new HashMap<>();
        config.put("xmpp.domain", DOMAIN);
        config.put("xmpp.tls.required", "true");
        config.put("xmpp.tls.keystore", keystore.toAbsolutePath().toString());
        config.put("xmpp.tls.keystorePassword", KEYSTORE_PASSWORD);
        config.put("xmpp.register.enabled", "true");
        // SINT keeps one connection open without logging in for the whole run, to register accounts on
        // it (XEP-0077); the default login deadline (30 s) would close it and stop SINT
        config.put("xmpp.c2s.loginTimeout", "-1");
        // the SOCKS5 bytestreams proxy (XEP-0065) on a free port of the node's address (127.0.0.1)
        config.put("xmpp.proxy65.enabled", "true");
        config.put("xmpp.proxy65.port", "0");
        return config;
    }

    @Test
    @Order(1)
    void oneNode() throws Exception {
        try (TestNodes nodes = new TestNodes(dir.resolve("one-node"))) {
            Map<String, String> config = nodeConfig();
            config.put("node.id", "solo");
            XmppServer node = nodes.start("solo", config);
            SintOutcome outcome = new SintRun("one node", DOMAIN, certificate, node.c2sPort(), selection,
                    nodeOfSession(List.of(node))).run();
            report.add(outcome);

            List<String> problems = new ArrayList<>(expectations.problems(outcome));
            String id = node.nodeId().toString();
            if (outcome.placement().size() != 3 || !outcome.placement().values().stream().allMatch(id::equals)) {
                problems.add("the main accounts are not all on the node: " + outcome.placement());
            }
            assertThat(problems).as("SINT on one node (report: %s)", report.file().toAbsolutePath()).isEmpty();
        }
    }

    @Test
    @Order(2)
    void threeNodes() throws Exception {
        List<String> names = List.of("n1", "n2", "n3");
        Map<String, String> config = nodeConfig();
        config.put("db.url", "jdbc:h2:mem:sint-" + UUID.randomUUID());
        try (HazelcastNodes nodes = new HazelcastNodes(dir.resolve("three-nodes"), names.toArray(String[]::new))) {
            List<XmppServer> started = new ArrayList<>();
            for (String name : names) {
                started.add(nodes.start(name, config));
            }
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    started.stream().allMatch(node -> node.clusterManager().getNodesInfo().size() == names.size()));
            List<InetSocketAddress> backends = started.stream()
                    .map(node -> new InetSocketAddress("127.0.0.1", node.c2sPort())).toList();

            try (RoundRobinForwarder front = RoundRobinForwarder.start(backends);
                 ClusterViewWatch watch = new ClusterViewWatch(started)) {
                SintOutcome outcome = new SintRun("three nodes", DOMAIN, certificate, front.port(), selection,
                        nodeOfSession(started)).run();
                report.add(outcome);

                List<String> problems = new ArrayList<>(expectations.problems(outcome));
                if (!new HashSet<>(outcome.placement().values()).equals(new HashSet<>(names))) {
                    problems.add("conOne, conTwo and conThree are not on three different nodes: " + outcome.placement());
                }
                if (!problems.isEmpty()) {
                    watch.lasting().forEach(disagreement -> problems.add("lasting: " + disagreement));
                    // what the nodes' routers went through: stanzas another node did not take are a first suspect
                    for (XmppServer node : started) {
                        problems.add("node " + node.nodeId() + ": stanzas handed back by its router "
                                + node.routingTable().remoteDeliveryFailures() + " as undeliverable, "
                                + node.routingTable().remoteDeliveryRetries() + " to be routed again");
                    }
                }
                assertThat(problems).as("SINT across three nodes (report: %s)", report.file().toAbsolutePath()).isEmpty();
            }
        }
    }

    /** The id of the node that holds a full JID's session (null if none does). */
    private static Function<String, String> nodeOfSession(List<XmppServer> nodes) {
        return fullJid -> {
            JID jid = new JID(fullJid);
            return nodes.stream().filter(node -> node.sessionManager().getLocalSession(jid) != null)
                    .map(node -> node.nodeId().toString()).findFirst().orElse(null);
        };
    }
}
