package org.skein.hazelcast.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.h2.tools.Server;
import org.skein.XmppServer;
import org.skein.testing.TestKeystores;

/**
 * Node JVMs ({@link NodeProcess}) that form one cluster with the packed Hazelcast plugin and serve one
 * XMPP domain, as an operator would set them up: one shared database (H2 in server mode, its TCP server
 * running in the test JVM on 127.0.0.1 and a free port), one TLS keystore for the domain made with
 * {@code keytool}, each node's client port a free loopback port written into its
 * {@code conf/skein.properties}, the {@link NodeProbe} plugin beside the Hazelcast plugin.
 * {@link #close()} kills every node JVM, keeps their logs in {@code logFolder}, and stops the database
 * server.
 */
final class ProcessCluster implements AutoCloseable {

    static final String DOMAIN = "localhost";
    private static final String KEYSTORE_PASSWORD = "cluster-it";

    private final Path dir;
    private final Path logFolder;
    private final HazelcastNodes layout;
    private final Map<String, NodeProcess> nodes = new LinkedHashMap<>();
    private final Map<String, Integer> c2sPorts = new LinkedHashMap<>();
    private final Server database;
    private final String databaseUrl;
    private final X509Certificate certificate;
    private final Thread killOnExit;

    /**
     * Prepares the homes of the named nodes in {@code dir} and starts the database server; starts no node.
     *
     * @param logFolder where {@link #close()} copies the nodes' logs
     */
    ProcessCluster(Path dir, Path logFolder, String... names) throws Exception {
        this(dir, logFolder, List.of(names), "");
    }

    /**
     * The same, with more lines for every node's {@code conf/skein.properties} (such as quicker merges).
     */
    ProcessCluster(Path dir, Path logFolder, List<String> nodeNames, String moreProperties) throws Exception {
        String[] names = nodeNames.toArray(String[]::new);
        this.dir = dir;
        this.logFolder = logFolder;
        this.layout = new HazelcastNodes(dir, names);
        Path keystore = dir.resolve("domain.p12");
        this.certificate = TestKeystores.selfSigned(keystore, DOMAIN, KEYSTORE_PASSWORD);
        // the H2 TCP server listens on loopback only (read once, when H2 first opens a server socket)
        System.setProperty("h2.bindAddress", "127.0.0.1");
        int databasePort = HazelcastNodes.freePort();
        Path databaseDir = Files.createDirectories(dir.resolve("database"));
        this.database = Server.createTcpServer("-tcpPort", Integer.toString(databasePort), "-ifNotExists",
                "-baseDir", databaseDir.toString()).start();
        this.databaseUrl = "jdbc:h2:tcp://127.0.0.1:" + databasePort + "/skein";
        try {
            byte[] probe = NodeProbe.jar().build();
            for (String name : names) {
                layout.prepareHome(name);
                Path home = layout.home(name);
                Files.write(home.resolve("plugins").resolve("probe.jar"), probe);
                int c2sPort = HazelcastNodes.freePort();
                c2sPorts.put(name, c2sPort);
                // failure detection, heartbeats and timeouts on the plugin's defaults, as an operator's nodes
                Files.writeString(home.resolve("conf").resolve("skein.properties"), """
                        node.id=%s
                        clustering.enabled=true
                        cache.stats.interval=-1
                        admin.enabled=false
                        xmpp.domain=%s
                        xmpp.c2s.port=%d
                        xmpp.c2s.bindAddress=127.0.0.1
                        xmpp.websocket.port=0
                        xmpp.websocket.tls.port=0
                        xmpp.c2s.ioThreads=1
                        xmpp.processing.threads=2
                        xmpp.tls.keystore=%s
                        xmpp.tls.keystorePassword=%s
                        db.url=%s
                        db.pool.maxSize=4
                        """.formatted(name, DOMAIN, c2sPort, keystore.toAbsolutePath(), KEYSTORE_PASSWORD, databaseUrl)
                        + transportLines() + moreProperties);
                nodes.put(name, new NodeProcess(name, home));
            }
        } catch (Exception | Error e) {
            database.stop();
            throw e;
        }
        // if the test JVM is stopped before close() (a build timeout, Ctrl-C), the node JVMs go with it
        this.killOnExit = new Thread(() -> nodes.values().forEach(NodeProcess::close), "kill-node-processes");
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    /** The lines that put the nodes on the stanza transport the tests run on ({@link HazelcastNodes#transportConfig()}). */
    private static String transportLines() {
        StringBuilder lines = new StringBuilder();
        HazelcastNodes.transportConfig().forEach((key, value) -> lines.append(key).append('=').append(value).append('\n'));
        return lines.toString();
    }

    /**
     * Creates accounts in the shared database (password = user name), the way {@code skein-server user add}
     * does: a node object that only opens the database. Call it before the nodes start, so that the
     * schema is created once and not by three nodes at the same moment.
     */
    void createUsers(String... users) throws Exception {
        Path tool = Files.createDirectories(dir.resolve("user-tool").resolve("conf")).getParent();
        Files.writeString(tool.resolve("conf").resolve("skein.properties"), "db.url=" + databaseUrl + "\n");
        XmppServer node = new XmppServer(tool);
        try {
            node.database().start();
            for (String user : users) {
                node.userManager().createUser(user, user, "", "");
            }
        } finally {
            node.stop();
        }
    }

    /** A connection to the shared database, for the test to look at what the nodes stored. */
    Connection database() throws SQLException {
        return DriverManager.getConnection(databaseUrl, "sa", "");
    }

    X509Certificate certificate() {
        return certificate;
    }

    NodeProcess node(String name) {
        return nodes.get(name);
    }

    int c2sPort(String name) {
        return c2sPorts.get(name);
    }

    List<NodeProcess> running() {
        return nodes.values().stream().filter(NodeProcess::isAlive).toList();
    }

    void start(String... names) {
        for (String name : names) {
            nodes.get(name).start();
        }
    }

    /**
     * Waits until each of these nodes sees exactly these members and accepts clients (a node opens its
     * client port after it has joined the cluster).
     */
    void awaitMembers(Duration timeout, String... names) {
        List<String> expected = List.of(names);
        await().atMost(timeout).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            for (String name : names) {
                assertThat(nodes.get(name).isAlive()).as("node %s runs (see its node.log)", name).isTrue();
                NodeProbe.Answer answer = nodes.get(name).probe(timeout);
                assertThat(answer.clustered()).as("node %s has joined", name).isTrue();
                assertThat(answer.members()).as("members seen by node %s", name).isEqualTo(expected);
                assertThat(acceptsConnections(c2sPorts.get(name))).as("node %s accepts clients", name).isTrue();
            }
        });
    }

    private static boolean acceptsConnections(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws Exception {
        List<Exception> failures = new ArrayList<>();
        for (NodeProcess node : nodes.values()) {
            try {
                node.close();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        for (NodeProcess node : nodes.values()) {
            try {
                node.keepLog(logFolder);
            } catch (IOException e) {
                failures.add(e);
            }
        }
        // close the database before its server goes, so that no file is still being written when the folder is deleted
        try (Connection connection = DriverManager.getConnection(databaseUrl, "sa", "");
             Statement statement = connection.createStatement()) {
            statement.execute("SHUTDOWN");
        } catch (SQLException e) {
            failures.add(e);
        }
        database.stop();
        layout.close();
        Runtime.getRuntime().removeShutdownHook(killOnExit);
        if (!failures.isEmpty()) {
            Exception first = failures.get(0);
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw first;
        }
        assertThat(running()).as("node JVMs left running").isEmpty();
    }
}
