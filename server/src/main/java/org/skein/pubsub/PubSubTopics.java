package org.skein.pubsub;

import java.util.Set;
import org.dom4j.Element;
import org.xmpp.packet.JID;

/**
 * Topics on the node's publish-subscribe service ({@code pubsub.<domain>}), for plugins: the operations
 * of the Vines server's clustered pubsub. A topic is a node of the service; what is done here is done
 * in the database every node shares, and a publication reaches every subscriber on every node of the
 * cluster (crossing to each other node once). Operations act as the service itself, which owns every
 * node. Get it from {@code ServerContext.pubSubTopics()}.
 *
 * <p>Thread-safe; every method blocks on the database (call it from a plugin's own thread, a cluster
 * task, or a client's processing thread, never from a network thread).
 */
public interface PubSubTopics {

    /** The service's domain, such as {@code pubsub.example.org} (the {@code from} of notifications). */
    String domain();

    /**
     * Adds a topic (a leaf node with the service's defaults).
     *
     * @return false if it exists already
     */
    boolean addTopic(String topic);

    /**
     * Deletes a topic with its items and subscriptions; its subscribers are told.
     *
     * @return false if there was none
     */
    boolean deleteTopic(String topic);

    boolean topicExists(String topic);

    /** The topics, sorted by name, from {@code offset}, at most {@code limit} (a page of the admin console). */
    java.util.List<String> topics(int offset, int limit);

    /** How many topics the service has. */
    int topicCount();

    /** How many items a topic keeps (0 if there is no such topic). */
    int itemCount(String topic);

    /**
     * Subscribes a JID (bare: every available resource gets the notifications; full: that resource).
     * A JID that is subscribed already stays so.
     *
     * @throws IllegalArgumentException if the topic does not exist
     */
    void subscribe(String topic, JID subscriber);

    /**
     * Ends a JID's subscription to a topic.
     *
     * @return false if it was not subscribed (or there is no such topic)
     */
    boolean unsubscribe(String topic, JID subscriber);

    /**
     * Ends every subscription of a JID (exactly this JID) on the service.
     *
     * @return how many subscriptions ended
     */
    int unsubscribeEverywhere(JID subscriber);

    /** The subscribed JIDs of a topic (empty if there is no such topic). */
    Set<JID> subscribers(String topic);

    boolean isSubscribed(String topic, JID subscriber);

    /**
     * Publishes a payload to a topic: kept (up to the topic's {@code max_items}) and sent to every
     * subscriber, once to each other node of the cluster.
     *
     * @return the new item's id
     * @throws IllegalArgumentException if the topic does not exist
     */
    String publish(String topic, Element payload);
}
