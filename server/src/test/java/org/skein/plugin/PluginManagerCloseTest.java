package org.skein.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.skein.plugin.PluginManagerFixture.MANUAL;
import static org.skein.plugin.PluginManagerFixture.WATCHING;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Closing the manager: every plugin unloaded in reverse order, nothing left running or on disk. */
class PluginManagerCloseTest {

    @TempDir
    Path home;

    private PluginManagerFixture node;

    @BeforeEach
    void setUp() {
        node = new PluginManagerFixture(home);
    }

    @AfterEach
    void tearDown() {
        node.close();
    }

    @Test
    void closeUnloadsEveryPluginLatestLoadedFirstAndStopsTheMonitorThread() throws Exception {
        for (String id : new String[] {"alpha", "beta", "gamma"}) {
            TestPlugins.recording(id, "1.0").writeTo(node.jar(id));
        }
        PluginManager manager = node.started(WATCHING);
        Thread monitor = (Thread) node.server.registry().get("alpha.thread");
        ClassLoader alphaLoader = manager.getPlugin("alpha").orElseThrow().classLoader();

        manager.close();

        assertThat(node.server.events()).containsExactly(
                "alpha 1.0 initialized", "beta 1.0 initialized", "gamma 1.0 initialized",
                "gamma 1.0 destroyed", "beta 1.0 destroyed", "alpha 1.0 destroyed");
        assertThat(manager.getPlugins()).isEmpty();
        assertThat(alphaLoader.getResource("plugin.xml")).isNull();
        assertThat(node.workFolders()).isEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> !monitor.isAlive());
        await().atMost(Duration.ofSeconds(10)).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(thread -> thread.getName().equals("skein-plugin-monitor")));
    }

    @Test
    void closeIsIdempotentAndWorksBeforeStart() throws Exception {
        TestPlugins.recording("alpha", "1.0").writeTo(node.jar("alpha"));
        PluginManager neverStarted = node.manager(MANUAL);
        neverStarted.close();
        neverStarted.close();

        PluginManager manager = node.started(MANUAL);
        manager.close();
        manager.close();

        assertThat(node.server.events()).containsExactly("alpha 1.0 initialized", "alpha 1.0 destroyed");
    }

    @Test
    void aPluginWhoseDestroyPluginThrowsIsUnloadedAnyway() throws Exception {
        TestPlugins.recording("alpha", "1.0", "", "throw new IllegalStateException(\"no stop today\");").writeTo(node.jar("alpha"));
        TestPlugins.recording("beta", "1.0").writeTo(node.jar("beta"));
        PluginManager manager = node.started(MANUAL);
        LoadedPlugin alpha = manager.getPlugin("alpha").orElseThrow();

        try (LogCapture log = LogCapture.of("org.skein.plugin")) {
            manager.close();

            assertThat(log.warnings()).singleElement().satisfies(warning ->
                    assertThat(warning.getFormattedMessage()).contains("alpha.jar", "destroyPlugin threw", "no stop today"));
        }
        assertThat(node.server.events()).endsWith("beta 1.0 destroyed", "alpha 1.0 destroyed");
        assertThat(alpha.classLoader().getResource("plugin.xml")).isNull();
        assertThat(alpha.directory()).doesNotExist();
    }

    @Test
    void aPluginMayCloseTheManagerFromItsOwnCode() throws Exception {
        PluginManager manager = node.manager(WATCHING);
        node.server.registry().put("manager", manager);
        TestPlugins.recording("alpha", "1.0").writeTo(node.jar("alpha"));
        TestPlugins.recording("beta", "1.0", """
                ((org.skein.plugin.PluginManager) server.registry().get("manager")).close();
                """).writeTo(node.jar("beta"));

        manager.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> node.server.events().contains("alpha 1.0 destroyed"));
        assertThat(node.server.events()).containsExactly(
                "alpha 1.0 initialized", "beta 1.0 initialized", "beta 1.0 destroyed", "alpha 1.0 destroyed");
        await().atMost(Duration.ofSeconds(10)).until(() -> !((Thread) node.server.registry().get("alpha.thread")).isAlive());
    }
}
