package org.skein.c2s;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.skein.XmppServer;
import org.skein.testing.TestNodes;

/** One node in a temporary home with Smack clients for it; closes the clients, the node and the folder. */
final class NodeWithClients implements AutoCloseable {

    final Path home;
    final TestNodes nodes;
    final XmppServer node;
    final SmackClients clients;

    NodeWithClients(Map<String, String> config) throws Exception {
        this(config, Clock.systemUTC());
    }

    /** A node with its own clock. */
    NodeWithClients(Map<String, String> config, Clock clock) throws Exception {
        this.home = Files.createTempDirectory("skein-c2s");
        this.nodes = new TestNodes(home);
        Map<String, String> all = new HashMap<>();
        all.put("xmpp.sasl.failureDelay", "20ms");
        all.putAll(config);
        this.node = nodes.start("node", all, clock);
        this.clients = new SmackClients(node);
    }

    /** A new account with a random name and password "secret". */
    String newUser() throws Exception {
        String name = "u" + UUID.randomUUID().toString().substring(0, 8);
        node.userManager().createUser(name, "secret", "", "");
        return name;
    }

    String jid(String user) {
        return user + "@" + node.xmppDomain();
    }

    @Override
    public void close() throws Exception {
        clients.close();
        nodes.close();
        try (var paths = Files.walk(home)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
