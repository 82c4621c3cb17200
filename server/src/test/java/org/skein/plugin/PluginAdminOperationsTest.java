package org.skein.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.skein.plugin.PluginManagerFixture.MANUAL;
import static org.skein.plugin.PluginManagerFixture.WATCHING;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the admin console does: install, delete and reload plugins. */
class PluginAdminOperationsTest {

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
    void installWritesTheJarAndLoadsItsPlugin() throws Exception {
        PluginManager manager = node.started(MANUAL);

        LoadedPlugin alpha = manager.install("alpha.jar", jar(TestPlugins.recording("alpha", "1.0")));

        assertThat(alpha.id()).isEqualTo("alpha");
        assertThat(manager.getPlugins()).containsExactly(alpha);
        assertThat(node.server.events()).containsExactly("alpha 1.0 initialized");
        assertThat(node.pluginFiles()).as("no temporary file left").containsExactly("alpha.jar");
    }

    @Test
    void installReplacesAnInstalledVersion() throws Exception {
        TestPlugins.recording("alpha", "1.0").writeTo(node.jar("alpha"));
        PluginManager manager = node.started(MANUAL);

        LoadedPlugin alpha = manager.install("alpha.jar", jar(TestPlugins.recording("alpha", "2.0")));

        assertThat(alpha.descriptor().version()).isEqualTo("2.0");
        assertThat(node.server.events()).containsExactly("alpha 1.0 initialized", "alpha 1.0 destroyed", "alpha 2.0 initialized");
        assertThat(manager.getPlugins()).containsExactly(alpha);
    }

    @Test
    void installingTheSameContentAgainDoesNotReload() throws Exception {
        byte[] content = TestPlugins.recording("alpha", "1.0").build();
        PluginManager manager = node.started(MANUAL);
        LoadedPlugin first = manager.install("alpha.jar", new ByteArrayInputStream(content));

        LoadedPlugin second = manager.install("alpha.jar", new ByteArrayInputStream(content));

        assertThat(second).isSameAs(first);
        assertThat(node.server.events()).containsExactly("alpha 1.0 initialized");
    }

    @Test
    void installWhileTheMonitorIsWatchingLoadsThePluginOnce() throws Exception {
        PluginManager manager = node.started(WATCHING);

        for (int i = 0; i < 5; i++) {
            manager.install("plugin" + i + ".jar", jar(TestPlugins.recording("plugin" + i, "1.0")));
        }

        assertThat(manager.getPlugins()).hasSize(5);
        assertThat(node.server.events()).hasSize(5).allMatch(event -> event.endsWith("1.0 initialized"));
    }

    @Test
    void installingABrokenJarKeepsItAndReportsWhy() throws Exception {
        PluginManager manager = node.started(MANUAL);

        assertThatThrownBy(() -> manager.install("alpha.jar", new ByteArrayInputStream("not a zip".getBytes())))
                .isInstanceOf(PluginException.class)
                .hasMessage("alpha.jar: not a valid jar (zip) file: zip END header not found");

        assertThat(manager.getFailures()).containsOnlyKeys("alpha.jar");
        assertThat(node.pluginFiles()).containsExactly("alpha.jar");
    }

    @ParameterizedTest
    @ValueSource(strings = {"alpha.zip", "alpha", ".jar", ".hidden.jar", "../alpha.jar", "sub/alpha.jar", "sub\\alpha.jar"})
    void installRefusesNamesThatAreNotPlainJarNames(String name) throws Exception {
        PluginManager manager = node.started(MANUAL);

        assertThatThrownBy(() -> manager.install(name, InputStream.nullInputStream()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(name);
        assertThat(node.pluginFiles()).isEmpty();
        assertThat(home.resolve("alpha.jar")).doesNotExist();
    }

    @Test
    void aFailedWriteLeavesNoTemporaryFile() throws Exception {
        PluginManager manager = node.started(MANUAL);
        InputStream failing = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("connection reset");
            }
        };

        assertThatThrownBy(() -> manager.install("alpha.jar", failing)).isInstanceOf(IOException.class);

        assertThat(node.pluginFiles()).isEmpty();
    }

    @Test
    void deleteRemovesTheJarAndUnloadsThePlugin() throws Exception {
        TestPlugins.recording("alpha", "1.0").writeTo(node.jar("alpha"));
        PluginManager manager = node.started(MANUAL);
        LoadedPlugin alpha = manager.getPlugin("alpha").orElseThrow();

        assertThat(manager.delete("alpha")).isTrue();

        assertThat(node.jar("alpha")).doesNotExist();
        assertThat(manager.getPlugins()).isEmpty();
        assertThat(node.server.events()).containsExactly("alpha 1.0 initialized", "alpha 1.0 destroyed");
        assertThat(alpha.directory()).doesNotExist();
        assertThat(manager.delete("alpha")).isFalse();
    }

    @Test
    void deleteRemovesAFailedJarAndItsFailure() throws Exception {
        Files.writeString(node.jar("corrupt"), "not a zip");
        PluginManager manager = node.started(MANUAL);

        assertThat(manager.delete("corrupt")).isTrue();

        assertThat(manager.getFailures()).isEmpty();
        assertThat(node.pluginFiles()).isEmpty();
    }

    @Test
    void deleteAndReloadRefuseIdsThatCouldNameOtherFiles() throws Exception {
        Files.writeString(home.resolve("precious.jar"), "keep me");
        PluginManager manager = node.started(MANUAL);

        assertThatThrownBy(() -> manager.delete("../precious")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> manager.reload("../precious")).isInstanceOf(IllegalArgumentException.class);

        assertThat(home.resolve("precious.jar")).exists();
    }

    @Test
    void reloadDestroysThePluginAndLoadsTheSameJarAgain() throws Exception {
        TestPlugins.recording("alpha", "1.0").writeTo(node.jar("alpha"));
        TestPlugins.recording("beta", "1.0").writeTo(node.jar("beta"));
        PluginManager manager = node.started(MANUAL);
        LoadedPlugin before = manager.getPlugin("alpha").orElseThrow();

        LoadedPlugin after = manager.reload("alpha");

        assertThat(after.plugin()).isNotSameAs(before.plugin());
        assertThat(after.classLoader()).isNotSameAs(before.classLoader());
        assertThat(before.classLoader().getResource("plugin.xml")).isNull();
        assertThat(node.server.events()).endsWith("alpha 1.0 destroyed", "alpha 1.0 initialized");
        assertThat(manager.getPlugins()).extracting(LoadedPlugin::id).containsExactly("beta", "alpha");
    }

    @Test
    void reloadRetriesAFailedJar() throws Exception {
        TestPlugins.recording("alpha", "1.0", """
                if (server.registry().putIfAbsent("alpha.failedOnce", Boolean.TRUE) == null) {
                    throw new IllegalStateException("the database is not up yet");
                }
                """).writeTo(node.jar("alpha"));
        PluginManager manager = node.started(MANUAL);
        assertThat(manager.getFailures()).containsOnlyKeys("alpha.jar");

        LoadedPlugin alpha = manager.reload("alpha");

        assertThat(alpha.id()).isEqualTo("alpha");
        assertThat(manager.getFailures()).isEmpty();
    }

    @Test
    void reloadOfAnUnknownPluginSaysSo() throws Exception {
        PluginManager manager = node.started(MANUAL);

        assertThatThrownBy(() -> manager.reload("nothing"))
                .isInstanceOf(PluginException.class)
                .hasMessageContaining("there is no nothing.jar in");
    }

    private static InputStream jar(PluginJarBuilder builder) {
        return new ByteArrayInputStream(builder.build());
    }
}
