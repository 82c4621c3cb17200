package org.skein.hazelcast;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.skein.ServerContext;
import org.skein.cluster.Registration;
import org.skein.clustering.ClusterManager;
import org.skein.hazelcast.cluster.HazelcastProvider;
import org.skein.hazelcast.config.LocalConfigFile;
import org.skein.hazelcast.config.PluginSettings;
import org.skein.hazelcast.routing.RouterMeters;
import org.skein.hazelcast.serialization.ClassAllowlist;
import org.skein.hazelcast.serialization.PluginClassResolver;
import org.skein.plugin.AdminPageModel;
import org.skein.plugin.Plugin;
import org.skein.plugin.PluginContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Hazelcast clustering plugin, as the node's plugin manager loads it from {@code plugins/hazelcast.jar}.
 *
 * <p>{@link #initializePlugin} creates the node's {@code conf/hazelcast-local-config.xml} from the
 * plugin's template if it is missing, and registers the {@link HazelcastProvider} with the node's
 * cluster manager. Clustering itself starts when the node's cluster manager starts it: at the node's
 * start (after every plugin is loaded), or from the admin console. If the plugin is loaded into a node
 * that is already running with {@code clustering.enabled=true}, it asks the cluster manager to start
 * clustering, which it does on its own lifecycle thread, so the plugin manager is not held up while the
 * member joins.
 *
 * <p>{@link #destroyPlugin} closes its registrations: the node leaves the cluster (a join in progress
 * is stopped) and the provider is unregistered.
 *
 * <p>It also supplies the data of the plugin's admin console page, {@code hazelcast-node}
 * ({@code web/cluster-node.html}).
 */
public final class HazelcastPlugin implements Plugin, AdminPageModel {

    private static final Logger LOG = LoggerFactory.getLogger(HazelcastPlugin.class);

    private volatile Started started;

    /** Created by the plugin manager. */
    public HazelcastPlugin() {
    }

    /** What {@link #initializePlugin} set up, undone by {@link #destroyPlugin}. */
    private record Started(ServerContext server, HazelcastProvider provider, NodePageModel page, List<Registration> registrations) {
    }

    @Override
    public void initializePlugin(PluginContext context) {
        ServerContext server = context.server();
        LocalConfigFile.createIfMissing(server.homeDirectory().resolve(server.config()
                .get(PluginSettings.LOCAL_CONFIG, "conf/" + PluginSettings.LOCAL_CONFIG_NAME)));
        ClassAllowlist allowlist = new ClassAllowlist();
        PluginClassResolver resolver = new PluginClassResolver(context.classLoader(), allowlist);
        List<Registration> registrations = new ArrayList<>();
        server.pluginManager().addPluginListener(resolver);
        registrations.add(() -> server.pluginManager().removePluginListener(resolver));
        resolver.addAll(server.pluginManager().getPlugins());
        HazelcastProvider provider = new HazelcastProvider(server.nodeId(), server.config(), server.homeDirectory(),
                server.clock(), context.classLoader(), allowlist, resolver, new RouterMeters(server.meterRegistry()));
        ClusterManager clusterManager = server.clusterManager();
        try {
            registrations.add(clusterManager.registerProvider(provider));
            registrations.add(clusterManager.registerTaskService(NodeFigures.class, new NodeFigures(provider)));
        } catch (RuntimeException e) {
            closeAll(server, registrations);
            throw e;
        }
        started = new Started(server, provider, new NodePageModel(server), registrations);
        if (server.pluginManager().hasLoadedInitialPlugins() && clusterManager.isClusteringEnabled()) {
            LOG.info("Hazelcast plugin loaded into running node {}: starting clustering", server.nodeId());
            clusterManager.startClustering();
        }
    }

    @Override
    public void destroyPlugin() {
        Started current = started;
        if (current == null) {
            return;
        }
        started = null;
        closeAll(current.server(), current.registrations());
    }

    /** Closes in reverse order: the figures service, the provider (the node leaves the cluster), the listener. */
    private static void closeAll(ServerContext server, List<Registration> registrations) {
        for (int i = registrations.size() - 1; i >= 0; i--) {
            try {
                registrations.get(i).close();
            } catch (RuntimeException e) {
                LOG.error("Node {}: the Hazelcast plugin could not undo one of its registrations", server.nodeId(), e);
            }
        }
    }

    /**
     * The data of the page {@code hazelcast-node}: see {@code web/cluster-node.html}.
     *
     * @throws IllegalArgumentException for another page, or a {@code node} parameter that names no member
     */
    @Override
    public Map<String, Object> model(String pageId, Map<String, String> parameters, Locale locale) {
        Started current = started;
        if (current == null) {
            throw new IllegalStateException("the Hazelcast plugin is not running");
        }
        if (!NodePageModel.PAGE_ID.equals(pageId)) {
            throw new IllegalArgumentException("the Hazelcast plugin has no page '" + pageId + "'");
        }
        return current.page().model(Objects.requireNonNullElse(parameters, Map.of()), Objects.requireNonNullElse(locale, Locale.ENGLISH));
    }

    /** The clustering provider this plugin registered; {@code null} before {@link #initializePlugin}. */
    public HazelcastProvider provider() {
        Started current = started;
        return current == null ? null : current.provider();
    }
}
