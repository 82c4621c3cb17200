package org.skein.testing;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.skein.XmppServer;
import org.skein.config.ServerConfig;

/**
 * Starts nodes in one JVM, each in its own home folder under a test's temporary folder, and stops
 * every one of them on {@link #close()}: the fixture that proves a node is an object.
 */
public final class TestNodes implements AutoCloseable {

    private final Path root;
    private final List<XmppServer> nodes = new ArrayList<>();
    private final List<AutoCloseable> extras = new ArrayList<>();

    public TestNodes(Path root) {
        this.root = root;
    }

    /** A started node in {@code root/name} with the given configuration (held in memory). */
    public XmppServer start(String name, Map<String, String> config) {
        return start(name, config, Clock.systemUTC());
    }

    /** A started node with its own clock (timestamps: last activity, offline messages, sessions). */
    public XmppServer start(String name, Map<String, String> config, Clock clock) {
        XmppServer node = create(name, config, clock);
        node.start();
        return node;
    }

    /** A node that is created but not started. */
    public XmppServer create(String name, Map<String, String> config) {
        return create(name, config, Clock.systemUTC());
    }

    private XmppServer create(String name, Map<String, String> config, Clock clock) {
        Map<String, String> values = new HashMap<>();
        values.put("cache.stats.interval", "-1");
        values.put("plugins.scanInterval", "100ms");
        values.put("xmpp.c2s.port", "0");
        values.put("xmpp.c2s.bindAddress", "127.0.0.1");
        values.put("xmpp.c2s.ioThreads", "1");
        values.put("xmpp.processing.threads", "2");
        values.put("auth.scram.iterations", "4096");
        values.put("admin.enabled", "false");
        values.put("admin.port", "0");
        values.put("admin.bindAddress", "127.0.0.1");
        values.putAll(config);
        XmppServer node = new XmppServer(root.resolve(name), ServerConfig.inMemory(values), clock);
        nodes.add(node);
        return node;
    }

    /** Something else to close with the nodes (a strategy, a client), closed after the nodes have stopped. */
    public <T extends AutoCloseable> T closeLater(T resource) {
        extras.add(resource);
        return resource;
    }

    public Path root() {
        return root;
    }

    @Override
    public void close() throws Exception {
        for (XmppServer node : nodes) {
            node.stop();
        }
        for (AutoCloseable extra : extras) {
            extra.close();
        }
        nodes.clear();
        extras.clear();
    }
}
