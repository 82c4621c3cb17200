package org.skein;

import java.nio.file.Path;
import java.time.Clock;
import org.skein.cache.CacheFactory;
import org.skein.cluster.ClusterManager;
import org.skein.cluster.NodeID;
import org.skein.config.ServerConfig;
import org.skein.offline.OfflineMessageStore;
import org.skein.plugin.PluginManager;
import org.skein.roster.RosterStore;
import org.skein.storage.Database;
import org.skein.user.UserManager;

/**
 * The services of one node. A node is an ordinary object (several can run in one JVM), so code that
 * needs a node's services is handed this context: plugins through their {@code PluginContext},
 * cluster tasks as the argument of {@code execute}. Nothing in Skein reaches for a global instance.
 *
 * <p>More services are added here as the server grows; the accessors never return {@code null} once
 * the node has started.
 */
public interface ServerContext {

    /** This node's id, stable across restarts. */
    NodeID nodeId();

    /** The server's version, such as {@code 0.1.0-SNAPSHOT}. */
    String version();

    /** The node's home folder (conf/, data/, plugins/, logs/). */
    Path homeDirectory();

    ServerConfig config();

    CacheFactory cacheFactory();

    ClusterManager clusterManager();

    PluginManager pluginManager();

    /** The node's database (started with the node). */
    Database database();

    /** The node's accounts. */
    UserManager userManager();

    /** Where rosters are stored; blocks on I/O. */
    RosterStore rosterStore();

    /** Where messages for offline users wait; blocks on I/O. */
    OfflineMessageStore offlineMessageStore();

    /** The node's clock, for timestamps; tests may hand a fixed or stepping clock. */
    Clock clock();
}
