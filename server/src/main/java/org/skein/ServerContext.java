package org.skein;

import java.nio.file.Path;
import java.time.Clock;
import org.skein.blocking.BlockingPolicy;
import org.skein.cache.CacheFactory;
import org.skein.clustering.ClusterManager;
import org.skein.cluster.NodeID;
import org.skein.component.ComponentRegistry;
import org.skein.config.ServerConfig;
import org.skein.iq.IqRouter;
import org.skein.message.MessageRouter;
import org.skein.offline.OfflineMessageManager;
import org.skein.offline.OfflineMessageStore;
import org.skein.plugin.PluginManager;
import org.skein.presence.PresenceManager;
import org.skein.roster.RosterManager;
import org.skein.roster.RosterStore;
import org.skein.routing.PacketRouter;
import org.skein.routing.RoutingTable;
import org.skein.session.SessionManager;
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

    /** The XMPP domain the node serves ({@code xmpp.domain}, default {@code localhost}). */
    String xmppDomain();

    /** Routes to client sessions (local sessions and the clustered route caches). */
    RoutingTable routingTable();

    /** The node's client sessions. */
    SessionManager sessionManager();

    /** Rosters, read through the clustered {@code rosters} cache. */
    RosterManager rosterManager();

    /** Presence broadcasts, probes and directed presence. */
    PresenceManager presenceManager();

    /** Message delivery by the rules of RFC 6121. */
    MessageRouter messageRouter();

    /** IQ routing; plugins may add {@link org.skein.iq.IqHandler}s here. */
    IqRouter iqRouter();

    /** Where the stanzas of local client sessions go. */
    PacketRouter packetRouter();

    /** Offline message storage and delivery. */
    OfflineMessageManager offlineMessageManager();

    /** Services on domains of their own ({@code conference.<domain>}, ...); plugins may add theirs. */
    ComponentRegistry components();

    /**
     * The users' block lists (XEP-0191), as the routing code asks them: a component or plugin that
     * delivers stanzas to users, or takes stanzas from them, asks it too, so that a block holds for its
     * stanzas as well.
     */
    BlockingPolicy blockingPolicy();

    /**
     * Topics on the publish-subscribe service ({@code pubsub.<domain>}): the Vines operations (add,
     * delete, subscribe, publish...) for plugins; empty when {@code pubsub.enabled} is false.
     */
    java.util.Optional<org.skein.pubsub.PubSubTopics> pubSubTopics();

    /** Group chat (XEP-0045): the node's services and their rooms, for plugins that create and configure rooms. */
    org.skein.muc.MultiUserChat multiUserChat();

    /**
     * The message archive (XEP-0313) of the domain's accounts and rooms: queries, preferences, sizes and
     * purges (the archive writes itself where messages are accepted).
     */
    org.skein.mam.MessageArchive messageArchive();

    /** The node's clock, for timestamps; tests may hand a fixed or stepping clock. */
    Clock clock();

    /**
     * The node's meters (served at {@code /metrics} on the admin port, and in JMX when enabled): plugins
     * register theirs here. Every meter gets the tag {@code node}.
     */
    io.micrometer.core.instrument.MeterRegistry meterRegistry();
}
