package org.skein.hazelcast.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.skein.XmppServer;
import org.skein.cache.Cache;
import org.skein.plugin.LoadedPlugin;

/** The packed plugin loads like any third-party plugin, and leaves nothing behind when it goes. */
class PluginLoadingIT {

    @TempDir
    Path dir;

    private HazelcastNodes nodes;

    @BeforeEach
    void setUp() {
        nodes = new HazelcastNodes(dir, "solo");
    }

    @AfterEach
    void tearDown() throws Exception {
        nodes.close();
    }

    @Test
    void theTestsSeeNeitherThePluginNorHazelcastOnTheirClassPath() {
        ClassLoader tests = getClass().getClassLoader();
        assertThatThrownBy(() -> Class.forName("org.skein.hazelcast.HazelcastPlugin", false, tests))
                .isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> Class.forName("com.hazelcast.core.HazelcastInstance", false, tests))
                .isInstanceOf(ClassNotFoundException.class);
        assertThat(HazelcastNodes.PLUGIN_JAR).isRegularFile();
    }

    @Test
    void loadsFromThePluginsFolderWithItsOwnClassLoaderAndJoins() {
        XmppServer node = nodes.start("solo");

        LoadedPlugin plugin = HazelcastNodes.plugin(node);
        assertThat(plugin.plugin().getClass().getName()).isEqualTo("org.skein.hazelcast.HazelcastPlugin");
        assertThat(plugin.plugin().getClass().getClassLoader()).isSameAs(plugin.classLoader());
        assertThat(plugin.classLoader().getParent()).isSameAs(XmppServer.class.getClassLoader());
        assertThat(plugin.descriptor().name()).isEqualTo("Skein Hazelcast plugin");
        assertThat(plugin.descriptor().version()).isNotBlank().doesNotContain("${");
        assertThat(plugin.directory().resolve("lib").resolve("hazelcast-5.7.0.jar")).isRegularFile();
        assertThat(plugin.directory().resolve("web").resolve("cluster-node.html")).isRegularFile();
        assertThat(plugin.directory().resolve("readme.html")).isRegularFile();
        assertThat(plugin.directory().resolve("changelog.html")).isRegularFile();
        assertThat(plugin.directory().resolve("i18n").resolve("hazelcast_i18n.properties")).isRegularFile();

        assertThat(node.clusterManager().isClusteringStarted()).isTrue();
        assertThat(node.cacheFactory().getCurrentStorage().name()).isEqualTo("hazelcast");
        assertThat(node.clusterManager().isSeniorClusterMember()).isTrue();
        assertThat(HazelcastNodes.hazelcastThreads("solo")).isNotEmpty();
    }

    @Test
    void createsTheLocalConfigFromTheTemplateOnceAndNeverOverwritesIt() throws Exception {
        Path home = nodes.home("solo");
        Files.createDirectories(home.resolve("plugins"));
        Files.copy(HazelcastNodes.PLUGIN_JAR, home.resolve("plugins").resolve("hazelcast.jar"));
        Path local = home.resolve("conf").resolve("hazelcast-local-config.xml");

        XmppServer first = nodes.startAsIs("solo", Map.of("clustering.enabled", "false"));
        assertThat(local).isRegularFile();
        assertThat(Files.readString(local)).contains("<tcp-ip enabled=\"true\"").contains("<interface>127.0.0.1</interface>")
                .contains("<multicast enabled=\"false\"/>");
        first.stop();

        Files.writeString(local, "<hazelcast xmlns=\"http://www.hazelcast.com/schema/config\"/><!-- mine -->");
        nodes.startAsIs("solo", Map.of("clustering.enabled", "false")).stop();
        assertThat(Files.readString(local)).endsWith("<!-- mine -->");
    }

    @Test
    void loadedIntoARunningNodeItStartsClusteringAndUnloadedItLeavesNothingRunning() throws Exception {
        nodes.prepareHome("solo");
        Path jar = nodes.home("solo").resolve("plugins").resolve("hazelcast.jar");
        Path aside = dir.resolve("hazelcast.jar");
        Files.move(jar, aside);
        XmppServer node = nodes.startAsIs("solo", Map.of());
        Cache<String, String> cache = node.cacheFactory().createCache("kept");
        cache.put("written", "alone");
        assertThat(node.clusterManager().isClusteringStarted()).isFalse();

        Files.copy(aside, jar, StandardCopyOption.REPLACE_EXISTING);
        node.pluginManager().scan();

        await().atMost(Duration.ofSeconds(60)).until(() -> node.clusterManager().isClusteringStarted());
        assertThat(node.cacheFactory().getCurrentStorage().name()).isEqualTo("hazelcast");
        assertThat(cache.get("written")).isEqualTo("alone");

        Files.delete(jar);
        node.pluginManager().scan();

        assertThat(node.pluginManager().getPlugin("hazelcast")).isEmpty();
        assertThat(node.cacheFactory().isClustered()).isFalse();
        assertThat(node.clusterManager().isClusteringAvailable()).isFalse();
        assertThat(node.clusterManager().isClusteringStarted()).isFalse();
        await().atMost(Duration.ofSeconds(30)).until(() -> HazelcastNodes.hazelcastThreads("solo").isEmpty());
        await().atMost(Duration.ofSeconds(30)).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.isAlive() && t.getName().startsWith("skein-hazelcast-")));
    }
}
