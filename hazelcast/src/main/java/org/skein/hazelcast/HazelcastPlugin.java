package org.skein.hazelcast;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.skein.ServerContext;
import org.skein.cluster.Registration;
import org.skein.clustering.ClusterManager;
import org.skein.hazelcast.cluster.HazelcastClusterStrategy;
import org.skein.hazelcast.config.LocalConfigFile;
import org.skein.hazelcast.config.PluginSettings;
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
 * plugin's template if it is missing, and registers the {@link HazelcastClusterStrategy} with the
 * node's cache factory. Clustering itself starts when the node's cluster manager starts it: at the
 * node's start (after every plugin is loaded), or from the admin console. If the plugin is loaded into
 * a node that is already running with {@code clustering.enabled=true}, it starts clustering itself, on
 * its own thread, so the plugin manager is not held up while the member joins.
 *
 * <p>{@link #destroyPlugin} leaves the cluster, unregisters the strategy and stops every thread the
 * plugin started.
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
    private record Started(ServerContext server, HazelcastClusterStrategy strategy, PluginClassResolver resolver,
                           ExecutorService starter, NodePageModel page, Registration figures) {
    }

    @Override
    public void initializePlugin(PluginContext context) {
        ServerContext server = context.server();
        LocalConfigFile.createIfMissing(server.homeDirectory().resolve(server.config()
                .get(PluginSettings.LOCAL_CONFIG, "conf/" + PluginSettings.LOCAL_CONFIG_NAME)));
        ClassAllowlist allowlist = new ClassAllowlist();
        PluginClassResolver resolver = new PluginClassResolver(context.classLoader(), allowlist);
        server.pluginManager().addPluginListener(resolver);
        resolver.addAll(server.pluginManager().getPlugins());
        HazelcastClusterStrategy strategy = new HazelcastClusterStrategy(server, context.classLoader(), allowlist, resolver);
        try {
            server.cacheFactory().setClusteredStrategy(strategy);
        } catch (RuntimeException e) {
            server.pluginManager().removePluginListener(resolver);
            strategy.close();
            throw e;
        }
        ExecutorService starter = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "skein-hazelcast-start-" + server.nodeId());
            thread.setDaemon(true);
            thread.setContextClassLoader(context.classLoader());
            return thread;
        });
        Registration figures = server.clusterManager().registerTaskService(NodeFigures.class, new NodeFigures(strategy));
        started = new Started(server, strategy, resolver, starter, new NodePageModel(server), figures);
        ClusterManager clusterManager = server.clusterManager();
        if (server.pluginManager().hasLoadedInitialPlugins() && clusterManager.isClusteringEnabled()) {
            LOG.info("Hazelcast plugin loaded into running node {}: starting clustering", server.nodeId());
            starter.execute(() -> {
                try {
                    clusterManager.startup();
                } catch (RuntimeException e) {
                    LOG.error("Node {} could not start clustering", server.nodeId(), e);
                }
            });
        }
    }

    @Override
    public void destroyPlugin() {
        Started current = started;
        if (current == null) {
            return;
        }
        started = null;
        ServerContext server = current.server();
        current.starter().shutdownNow();
        current.figures().close();
        try {
            server.clusterManager().shutdown();
        } catch (RuntimeException e) {
            LOG.error("Node {} could not leave the cluster cleanly", server.nodeId(), e);
        }
        try {
            server.cacheFactory().clearClusteredStrategy(current.strategy());
        } catch (RuntimeException e) {
            LOG.error("Node {} could not unregister the Hazelcast strategy", server.nodeId(), e);
        }
        server.pluginManager().removePluginListener(current.resolver());
        current.strategy().close();
        try {
            current.starter().awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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

    /** The clustered strategy this plugin registered; {@code null} before {@link #initializePlugin}. */
    public HazelcastClusterStrategy strategy() {
        Started current = started;
        return current == null ? null : current.strategy();
    }
}
