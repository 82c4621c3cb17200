package com.example.clusterevents;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.skein.ServerContext;
import org.skein.cache.Cache;
import org.skein.cluster.ClusterTaskResults;
import org.skein.plugin.AdminPageModel;
import org.skein.plugin.Plugin;
import org.skein.plugin.PluginContext;

/**
 * The plugin's main class, named in its {@code plugin.xml}. On start it puts this node's
 * {@link Visit} into the clustered cache {@value #CACHE} and registers an {@link EventLog} for
 * cluster events; its admin page ({@code cluster-events}) shows the events, every node's visit and a
 * {@link Greeting} from every other node, fetched with a {@link GreetingTask}. Cluster events also go to
 * the topic {@value EventTopic#TOPIC} of the server's publish-subscribe service ({@link EventTopic}), and
 * the page lists its subscribers. It works the same with or without clustering: alone, the cache is
 * local and there is no one to greet.
 */
public final class ClusterEventsPlugin implements Plugin, AdminPageModel {

    /** The plugin's id: its jar is {@code cluster-events.jar}. */
    static final String ID = "cluster-events";
    /** The plugin's clustered cache. */
    static final String CACHE = "cluster-events.visits";
    private static final Duration GREETING_TIMEOUT = Duration.ofSeconds(5);

    private ServerContext node;
    private Cache<String, Visit> visits;
    private EventLog events;
    private EventTopic topic;
    private Instant loadedAt;

    @Override
    public void initializePlugin(PluginContext context) {
        node = context.server();
        loadedAt = node.clock().instant();
        visits = context.cacheFactory().createCache(CACHE);
        events = new EventLog(this::putOwnVisit);
        context.clusterManager().addListener(events);
        node.pubSubTopics().ifPresent(topics -> {
            topic = new EventTopic(topics, node.nodeId(), node.cacheFactory());
            context.clusterManager().addListener(topic);
        });
        putOwnVisit();
    }

    private void putOwnVisit() {
        visits.put(node.nodeId().value(), new Visit(node.nodeId().value(), loadedAt));
    }

    @Override
    public void destroyPlugin() {
        node.clusterManager().removeListener(events);
        if (topic != null) {
            node.clusterManager().removeListener(topic);
        }
        // forget this node's handle on the cache; in a cluster the shared content stays for the others
        node.cacheFactory().destroyCache(CACHE);
    }

    /** Greets every other node: runs a {@link GreetingTask} there and waits for the answers. */
    Map<String, String> greetOthers() {
        ClusterTaskResults<Greeting> results = node.cacheFactory().doSynchronousClusterTask(new GreetingTask(), false, GREETING_TIMEOUT);
        Map<String, String> greetings = new TreeMap<>();
        results.results().forEach((other, greeting) -> greetings.put(other.value(), greeting.toString()));
        results.failures().forEach((other, error) -> greetings.put(other.value(), "no answer: " + error));
        return greetings;
    }

    @Override
    public Map<String, Object> model(String pageId, Map<String, String> parameters, Locale locale) {
        if (!ID.equals(pageId)) {
            throw new IllegalArgumentException("no page '" + pageId + "'");
        }
        Map<String, String> visitsByNode = new TreeMap<>();
        for (Map.Entry<String, Visit> visit : visits.entrySet()) {
            visitsByNode.put(visit.getKey(), visit.getValue().toString());
        }
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("node", node.nodeId().value());
        model.put("events", events.events());
        model.put("visits", visitsByNode);
        model.put("greetings", greetOthers());
        node.pubSubTopics().ifPresent(topics -> {
            model.put("topic", EventTopic.TOPIC + " on " + topics.domain());
            model.put("subscribers", topics.subscribers(EventTopic.TOPIC).stream().map(Object::toString).sorted().toList());
        });
        return model;
    }
}
