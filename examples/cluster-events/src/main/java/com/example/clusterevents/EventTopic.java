package com.example.clusterevents;

import java.util.Objects;
import org.dom4j.DocumentHelper;
import org.dom4j.Element;
import org.skein.cluster.ClusterEventListener;
import org.skein.cluster.NodeID;
import org.skein.clustering.ClusterManager;
import org.skein.pubsub.PubSubTopics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes cluster events to the topic {@value #TOPIC} of the server's publish-subscribe service
 * ({@code pubsub.<domain>}), where any XMPP client may subscribe (XEP-0060) and plugins subscribe JIDs
 * with {@link PubSubTopics}. Each event is published once for the cluster: a node announces its own
 * joining, and the senior member announces a node that left. A publication reaches the subscribers on
 * every node.
 */
final class EventTopic implements ClusterEventListener {

    private static final Logger LOG = LoggerFactory.getLogger(EventTopic.class);

    /** The topic's name on the publish-subscribe service. */
    static final String TOPIC = "cluster-events";
    /** The namespace of the published payloads: {@code <event xmlns="urn:example:cluster-events" kind node/>}. */
    static final String NAMESPACE = "urn:example:cluster-events";

    private final PubSubTopics topics;
    private final NodeID self;
    private final ClusterManager cluster;

    EventTopic(PubSubTopics topics, NodeID self, ClusterManager cluster) {
        this.topics = Objects.requireNonNull(topics, "topics");
        this.self = Objects.requireNonNull(self, "self");
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        topics.addTopic(TOPIC); // false if another node (or an earlier run) made it: the topic is in the shared database
    }

    @Override
    public void joinedCluster() {
        publish("joined", self);
    }

    @Override
    public void leftCluster(NodeID nodeId) {
        if (cluster.isSeniorClusterMember()) {
            publish("left", nodeId);
        }
    }

    private void publish(String kind, NodeID node) {
        Element event = DocumentHelper.createElement(org.dom4j.QName.get("event", NAMESPACE))
                .addAttribute("kind", kind).addAttribute("node", node.value());
        try {
            topics.publish(TOPIC, event);
        } catch (RuntimeException e) {
            LOG.warn("Could not publish '{} {}' to the topic {}", kind, node, TOPIC, e);
        }
    }
}
