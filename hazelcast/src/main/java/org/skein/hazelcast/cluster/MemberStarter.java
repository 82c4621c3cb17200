package org.skein.hazelcast.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.config.ListenerConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import org.skein.cluster.ClusterException;
import org.skein.cluster.NodeID;
import org.skein.cluster.TaskContext;
import org.skein.config.ConfigException;
import org.skein.config.ServerConfig;
import org.skein.hazelcast.config.HazelcastConfigFactory;
import org.skein.hazelcast.config.PluginSettings;
import org.skein.hazelcast.routing.HazelcastPacketRouter;
import org.skein.hazelcast.routing.RouterSettings;
import org.skein.hazelcast.serialization.ClassAllowlist;
import org.skein.hazelcast.serialization.JavaObjectSerializer;
import org.skein.hazelcast.serialization.PluginClassResolver;
import org.skein.hazelcast.serialization.RejectedClasses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the Hazelcast member of a node: the configuration read from the node's files plus what
 * belongs to this node and this start (its name, class loader, node id and start time as member
 * attributes, its task context in the member's user context, the event listeners, the serializer),
 * a bounded number of attempts with one log line per failure, and a check that no other member runs
 * the same node id.
 */
final class MemberStarter {

    private static final Logger LOG = LoggerFactory.getLogger(MemberStarter.class);

    private final NodeID localNode;
    private final ClassLoader pluginLoader;
    private final Clock clock;
    private final ClassAllowlist allowlist;
    private final PluginClassResolver resolver;
    private final RejectedClasses rejected;

    MemberStarter(NodeID localNode, ClassLoader pluginLoader, Clock clock, ClassAllowlist allowlist,
                  PluginClassResolver resolver, RejectedClasses rejected) {
        this.localNode = localNode;
        this.pluginLoader = pluginLoader;
        this.clock = clock;
        this.allowlist = allowlist;
        this.resolver = resolver;
        this.rejected = rejected;
    }

    /**
     * Starts the member, trying {@code hazelcast.startup.retries} more times after a failure.
     *
     * @throws ClusterException if it could not start (the message says why, for the operator), or if
     *         another member runs this node's id
     * @throws ConfigException if the configuration is unusable (no retry)
     */
    HazelcastInstance start(ServerConfig nodeConfig, PluginSettings settings, RouterSettings routerSettings,
                            TaskContext tasks, MemberEvents events) {
        return start(nodeConfig, settings, routerSettings, tasks, events, config -> java.util.Map.of());
    }

    /**
     * As above, with more member attributes, which may depend on the configuration read from the files
     * (such as the stanza port, opened on the address the member listens on).
     */
    HazelcastInstance start(ServerConfig nodeConfig, PluginSettings settings, RouterSettings routerSettings,
                            TaskContext tasks, MemberEvents events,
                            java.util.function.Function<Config, java.util.Map<String, String>> moreAttributes) {
        HazelcastConfigFactory factory = new HazelcastConfigFactory(settings, nodeConfig);
        int attempts = settings.startupRetries() + 1;
        for (int attempt = 1; ; attempt++) {
            Config config = memberConfig(factory.build(), settings, routerSettings, tasks, events);
            moreAttributes.apply(config).forEach(config.getMemberAttributeConfig()::setAttribute);
            Thread thread = Thread.currentThread();
            ClassLoader previous = thread.getContextClassLoader();
            thread.setContextClassLoader(pluginLoader);
            HazelcastInstance instance;
            try {
                instance = Hazelcast.newHazelcastInstance(config);
            } catch (ConfigException e) {
                throw e;
            } catch (RuntimeException e) {
                String reason = describe(e);
                if (attempt >= attempts) {
                    LOG.error("Node {} could not start its Hazelcast member (attempt {} of {}): {}. The node goes on alone.",
                            localNode, attempt, attempts, reason);
                    throw new ClusterException("The Hazelcast member could not start after " + attempts + " attempts: " + reason, e);
                }
                LOG.warn("Node {} could not start its Hazelcast member (attempt {} of {}): {}. Trying again in {} ms.",
                        localNode, attempt, attempts, reason, settings.startupRetryDelay().toMillis());
                LOG.debug("The failed attempt", e);
                try {
                    TimeUnit.MILLISECONDS.sleep(settings.startupRetryDelay().toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new ClusterException("node " + localNode + " stopped trying to start its Hazelcast member", interrupted);
                }
                continue;
            } finally {
                thread.setContextClassLoader(previous);
            }
            refuseDuplicateNodeId(instance);
            if (settings.secret().isEmpty()) {
                LOG.warn("Node {}: no cluster secret ({} in the node's configuration): any member that joins Hazelcast cluster "
                        + "'{}' and claims a node id is taken as a node of the cluster (docs/operations.md, 'Who may join the "
                        + "cluster')", localNode, PluginSettings.SECRET, instance.getConfig().getClusterName());
            }
            LOG.info("Node {} is a member of Hazelcast cluster '{}' with {} members", localNode,
                    instance.getConfig().getClusterName(), instance.getCluster().getMembers().size());
            return instance;
        }
    }

    /** Adds what belongs to this node and this start to the configuration read from the files. */
    private Config memberConfig(Config config, PluginSettings settings, RouterSettings routerSettings, TaskContext tasks,
                                MemberEvents events) {
        config.setInstanceName("skein-" + localNode.value());
        config.setClassLoader(pluginLoader);
        long joined = clock.millis();
        config.getMemberAttributeConfig()
                .setAttribute(MemberAttributes.NODE_ID, localNode.value())
                .setAttribute(MemberAttributes.JOINED, Long.toString(joined));
        new MemberTrust(settings.secret(), config.getClusterName()).proofAttributes(localNode, joined)
                .forEach(config.getMemberAttributeConfig()::setAttribute);
        ConcurrentMap<String, Object> userContext = new ConcurrentHashMap<>();
        userContext.put(TaskEnvelope.CONTEXT_KEY, tasks);
        config.setUserContext(userContext);
        HazelcastPacketRouter.configure(config, routerSettings);
        config.addListenerConfig(new ListenerConfig(events.membershipListener()));
        config.addListenerConfig(new ListenerConfig(events.lifecycleListener()));
        HazelcastConfigFactory.useSerializer(config, new JavaObjectSerializer(resolver, allowlist, rejected),
                allowlist.hazelcastFilterConfig());
        return config;
    }

    private void refuseDuplicateNodeId(HazelcastInstance instance) {
        for (Member member : instance.getCluster().getMembers()) {
            if (!member.localMember() && localNode.equals(MemberAttributes.nodeId(member))) {
                instance.shutdown();
                throw new ClusterException("node id " + localNode + " is used by another member (" + member.getAddress()
                        + ") of the cluster: every node needs its own id (node.id in conf/skein.properties, "
                        + "or data/node-id: do not copy a node's data folder)");
            }
        }
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        Throwable cause = e.getCause();
        while (cause != null && cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message)
                + (cause != null && cause != e ? " (cause: " + cause + ")" : "");
    }
}
