package com.example.clusterevents;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.skein.ServerContext;
import org.skein.cache.Cache;
import org.skein.cluster.ClusterTaskResults;
import org.skein.cluster.Registration;
import org.skein.clustering.ClusterManager;
import org.skein.plugin.AdminPageModel;
import org.skein.plugin.Plugin;
import org.skein.plugin.PluginContext;

/**
 * The plugin's main class, named in its {@code plugin.xml}. It shows the things a plugin does in a
 * cluster, through the server's API only:
 * <ol>
 *   <li><b>Cluster events</b>: an {@link EventLog} registered with the node's cluster manager; it logs
 *       every event and puts this node's {@link Visit} back into the cache after a join or a leave.</li>
 *   <li><b>A clustered cache</b> ({@value #CACHE}) whose values are the plugin's own class.</li>
 *   <li><b>A cluster task of its own</b>, {@link GreetingTask}, which reaches this plugin's
 *       {@link Greeter} on the node it runs on through the node's services for tasks.</li>
 *   <li><b>A group chat room</b> ({@link EventRoom}) whose subject is the last cluster event any node
 *       heard, through the server's group chat API.</li>
 *   <li><b>A publish-subscribe topic</b> ({@value EventTopic#TOPIC}, {@link EventTopic}) that cluster
 *       events go to, on the server's publish-subscribe service; the page lists its subscribers.</li>
 * </ol>
 * Every registration returns a {@link Registration}; {@link #destroyPlugin} closes them all. The admin
 * page ({@code cluster-events}) shows the events, every node's visit, a greeting from every other node,
 * the room and the topic's subscribers. It works the same with or without clustering: alone, the cache
 * is local and there is no one to greet.
 */
public final class ClusterEventsPlugin implements Plugin, AdminPageModel {

    /** The plugin's id: its jar is {@code cluster-events.jar}. */
    static final String ID = "cluster-events";
    /** The plugin's clustered cache. */
    static final String CACHE = "cluster-events.visits";
    /**
     * The listener's sequence: after the node's own listener (10), which restores the node's routes
     * and sessions, as a plugin that relies on them would.
     */
    static final int SEQUENCE = 100;
    private static final Duration GREETING_TIMEOUT = Duration.ofSeconds(5);

    private final List<Registration> registrations = new ArrayList<>();
    private ServerContext node;
    private Cache<String, Visit> visits;
    private EventLog events;
    private EventRoom room;
    private Instant loadedAt;

    @Override
    public void initializePlugin(PluginContext context) {
        node = context.server();
        loadedAt = node.clock().instant();
        visits = context.cacheFactory().createCache(CACHE);
        room = new EventRoom(node);
        events = new EventLog(this::putOwnVisit, room::announce);
        ClusterManager cluster = context.clusterManager();
        registrations.add(cluster.addListener(events, SEQUENCE));
        registrations.add(cluster.registerTaskService(Greeter.class, new Greeter(node.nodeId().value(), this::pluginLoadedAt)));
        node.pubSubTopics().ifPresent(topics -> {
            registrations.add(cluster.addListener(new EventTopic(topics, node.nodeId(), cluster), SEQUENCE));
        });
        putOwnVisit();
        room.open();
    }

    private void putOwnVisit() {
        visits.put(node.nodeId().value(), new Visit(node.nodeId().value(), loadedAt));
    }

    /** When the node's plugin manager loaded this plugin. */
    private Instant pluginLoadedAt() {
        return node.pluginManager().getPlugin(ID).map(plugin -> plugin.loadedAt()).orElse(loadedAt);
    }

    @Override
    public void destroyPlugin() {
        for (int i = registrations.size() - 1; i >= 0; i--) {
            registrations.get(i).close();
        }
        registrations.clear();
        // forget this node's handle on the cache; in a cluster the shared content stays for the others
        node.cacheFactory().destroyCache(CACHE);
    }

    /** Greets every other node: runs a {@link GreetingTask} there and waits for the answers. */
    Map<String, String> greetOthers() {
        ClusterTaskResults<Greeting> results = node.clusterManager().doSynchronousClusterTask(new GreetingTask(), false, GREETING_TIMEOUT);
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
        model.put("room", room.describe());
        node.pubSubTopics().ifPresent(topics -> {
            model.put("topic", EventTopic.TOPIC + " on " + topics.domain());
            model.put("subscribers", topics.subscribers(EventTopic.TOPIC).stream().map(Object::toString).sorted().toList());
        });
        return model;
    }
}
