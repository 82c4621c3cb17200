package org.skein.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.MessageFormat;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.skein.XmppServer;
import org.skein.cache.Cache;
import org.skein.testing.TestNodes;
import org.thymeleaf.TemplateEngine;
import org.thymeleaf.context.Context;
import org.thymeleaf.context.ITemplateContext;
import org.thymeleaf.messageresolver.AbstractMessageResolver;
import org.thymeleaf.templatemode.TemplateMode;
import org.thymeleaf.templateresolver.FileTemplateResolver;

/**
 * The cluster node page, {@code web/cluster-node.html}, rendered with Thymeleaf as the admin console
 * will render it: with the model the plugin builds for a running node and the plugin's i18n bundles.
 */
class NodePageTemplateTest {

    private static final Path WEB = Path.of("web");
    private static final Path I18N = Path.of("i18n");
    private static final List<String> BUNDLES = List.of("hazelcast_i18n.properties", "hazelcast_i18n_de.properties",
            "hazelcast_i18n_zh_CN.properties");

    @TempDir
    Path dir;

    private TestNodes nodes;
    private XmppServer node;

    @BeforeEach
    void startNode() {
        nodes = new TestNodes(dir);
        node = nodes.start("page-node", Map.of("node.id", "page-node"));
        Cache<String, String> users = node.cacheFactory().createCache("users");
        users.put("alice", "Alice");
        users.get("alice");
        users.get("bob");
    }

    @AfterEach
    void stopNode() throws Exception {
        nodes.close();
    }

    @Test
    void rendersANodeWithItsMemoryAndCachesInEveryLanguage() throws IOException {
        Map<String, Object> model = new NodePageModel(node).model(Map.of(), Locale.ENGLISH);

        String english = render(model, Locale.ENGLISH);
        assertThat(english).contains("Cluster node page-node", "Node details", "MiB used of", "users", "50%", "1.0 (")
                .doesNotContain("??");
        assertThat(english).contains("<a href=\"hazelcast-node?node=page-node\">page-node</a>");

        assertThat(render(new NodePageModel(node).model(Map.of(), Locale.GERMAN), Locale.GERMAN))
                .contains("Clusterknoten page-node", "Caches auf diesem Knoten", "Trefferquote").doesNotContain("??");
        assertThat(render(new NodePageModel(node).model(Map.of(), Locale.SIMPLIFIED_CHINESE), Locale.SIMPLIFIED_CHINESE))
                .contains("集群节点 page-node", "本节点上的缓存", "命中率").doesNotContain("??");
    }

    @Test
    void rendersANodeThatDidNotAnswerAndHasNoStatistics() throws IOException {
        Map<String, Object> model = new LinkedHashMap<>(new NodePageModel(node).model(Map.of(), Locale.ENGLISH));
        model.put("memory", null);
        model.put("memoryError", "node n2 did not answer within 3000 ms");
        model.put("caches", List.of());
        model.put("refusedObjects", null);

        assertThat(render(model, Locale.ENGLISH)).contains("The node did not answer: node n2 did not answer within 3000 ms",
                "This node has published no cache statistics yet.").doesNotContain("??");
    }

    @Test
    void rendersThePacketRouterCountersInEveryLanguage() throws IOException {
        Map<String, Object> model = new LinkedHashMap<>(new NodePageModel(node).model(Map.of(), Locale.ENGLISH));
        @SuppressWarnings("unchecked")
        Map<String, Object> notRunning = (Map<String, Object>) model.get("router");
        assertThat(notRunning).containsEntry("running", false);
        assertThat(render(model, Locale.ENGLISH)).contains("it is not a member of a cluster");

        Map<String, Object> sent = new LinkedHashMap<>(Map.of("node", "node-2", "member", true, "transport", "direct-tls",
                "queued", 12L, "sent", 1234567L, "failed", 3L, "batches", 4321L, "pushbacks", 7L));
        Map<String, Object> received = new LinkedHashMap<>(Map.of("node", "node-2", "batches", 99L, "delivered", 7654321L,
                "undeliverable", 5L, "malformed", 1L));
        Map<String, Object> router = new LinkedHashMap<>();
        router.put("running", true);
        router.put("transport", "direct-plain");
        router.put("destinations", List.of(sent));
        router.put("sources", List.of(received));
        router.put("sentTotal", sent);
        router.put("receivedTotal", received);
        model.put("router", router);

        assertThat(render(model, Locale.ENGLISH)).contains("Stanzas to and from other nodes", "1,234,567", "7,654,321", "4,321",
                "Senders held back", "the direct stream (TLS 1.3, cluster secret)",
                "Stanzas from other nodes reach this node on the direct stream (cluster secret, NOT encrypted).")
                .doesNotContain("??", "not a member of a cluster");
        assertThat(render(model, Locale.GERMAN)).contains("Von anderen Knoten empfangen", "1.234.567").doesNotContain("??");
        assertThat(render(model, Locale.SIMPLIFIED_CHINESE)).contains("来自其他节点", "1,234,567").doesNotContain("??");

        model.put("router", null);
        model.put("routerError", "node n2 did not answer within 3000 ms");
        assertThat(render(model, Locale.ENGLISH)).contains("The node did not answer: node n2 did not answer within 3000 ms");
    }

    @Test
    void everyStringOfTheTemplateIsInEveryBundle() throws IOException {
        Set<String> used = new TreeSet<>();
        Matcher key = Pattern.compile("#\\{([\\w.]+)").matcher(Files.readString(WEB.resolve("cluster-node.html")));
        while (key.find()) {
            used.add(key.group(1));
        }
        used.add("hazelcast.node.title");
        used.add("hazelcast.node.description");
        for (String kind : List.of("hazelcast", "direct-tls", "direct-plain")) { // looked up by name: #messages.msg(...)
            used.add("hazelcast.router.transport." + kind);
        }
        Set<String> english = bundle("hazelcast_i18n.properties").stringPropertyNames();
        assertThat(english).containsAll(used);
        for (String name : BUNDLES) {
            assertThat(bundle(name).stringPropertyNames()).as(name).isEqualTo(english);
        }
    }

    private static String render(Map<String, Object> model, Locale locale) {
        FileTemplateResolver templates = new FileTemplateResolver();
        templates.setPrefix(WEB.toAbsolutePath() + "/");
        templates.setTemplateMode(TemplateMode.HTML);
        templates.setCharacterEncoding("UTF-8");
        TemplateEngine engine = new TemplateEngine();
        engine.setTemplateResolver(templates);
        engine.setMessageResolver(new BundleMessages());
        return engine.process("cluster-node.html", new Context(locale, new HashMap<>(model)));
    }

    private static Properties bundle(String name) throws IOException {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(I18N.resolve(name), StandardCharsets.UTF_8)) {
            properties.load(in);
        }
        return properties;
    }

    /** Messages from the plugin's i18n bundles, as the admin console resolves them. */
    private static final class BundleMessages extends AbstractMessageResolver {
        @Override
        public String resolveMessage(ITemplateContext context, Class<?> origin, String key, Object[] parameters) {
            Locale locale = context.getLocale();
            try {
                String file = locale.getLanguage().equals("en") ? "hazelcast_i18n.properties"
                        : locale.getCountry().isEmpty() ? "hazelcast_i18n_" + locale.getLanguage() + ".properties"
                        : "hazelcast_i18n_" + locale.getLanguage() + "_" + locale.getCountry() + ".properties";
                String pattern = bundle(file).getProperty(key);
                return pattern == null ? null : new MessageFormat(pattern, locale).format(parameters == null ? new Object[0] : parameters);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public String createAbsentMessageRepresentation(ITemplateContext context, Class<?> origin, String key, Object[] parameters) {
            return "??" + key + "??";
        }
    }
}
