package org.skein.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.skein.plugin.PluginManagerFixture.MANUAL;
import static org.skein.plugin.PluginManagerFixture.WATCHING;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Watching the plugins folder: jars that appear, disappear, change, or are still being written. The
 * monitor thread's own scans are tested with a short interval and Awaitility; the finer rules with
 * scans driven by the test.
 */
class PluginMonitorTest {

    private static final Duration PATIENCE = Duration.ofSeconds(10);

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
    void theMonitorLoadsAJarDroppedIntoTheFolder() throws Exception {
        PluginManager manager = node.started(WATCHING);

        TestPlugins.recording("alpha", "1.0").writeTo(node.jar("alpha"));

        await().atMost(PATIENCE).until(() -> manager.getPlugin("alpha").isPresent());
        assertThat(node.server.events()).containsExactly("alpha 1.0 initialized");
    }

    @Test
    void theMonitorUnloadsAPluginWhoseJarIsRemoved() throws Exception {
        TestPlugins.recording("alpha", "1.0").writeTo(node.jar("alpha"));
        TestPlugins.recording("beta", "1.0").writeTo(node.jar("beta"));
        PluginManager manager = node.started(WATCHING);
        LoadedPlugin alpha = manager.getPlugin("alpha").orElseThrow();
        assertThat(alpha.classLoader().getResource("plugin.xml")).isNotNull();

        Files.delete(node.jar("alpha"));

        await().atMost(PATIENCE).until(() -> manager.getPlugin("alpha").isEmpty());
        assertThat(node.server.events()).containsExactly("alpha 1.0 initialized", "beta 1.0 initialized", "alpha 1.0 destroyed");
        assertThat(alpha.classLoader().getResource("plugin.xml")).as("closed class loader finds nothing").isNull();
        assertThat(alpha.directory()).doesNotExist();
        assertThat(manager.getPlugins()).extracting(LoadedPlugin::id).containsExactly("beta");
    }

    @Test
    void theMonitorReloadsAPluginWhoseJarIsReplacedWithANewVersion() throws Exception {
        TestPlugins.recording("alpha", "1.0").writeTo(node.jar("alpha"));
        PluginManager manager = node.started(WATCHING);
        LoadedPlugin first = manager.getPlugin("alpha").orElseThrow();

        TestPlugins.recording("alpha", "2.0").writeTo(node.jar("alpha"));

        await().atMost(PATIENCE).until(() -> manager.getPlugin("alpha").map(p -> p.descriptor().version()).orElse(""),
                version -> version.equals("2.0"));
        assertThat(node.server.events()).containsExactly("alpha 1.0 initialized", "alpha 1.0 destroyed", "alpha 2.0 initialized");
        LoadedPlugin second = manager.getPlugin("alpha").orElseThrow();
        assertThat(second.plugin()).isNotSameAs(first.plugin());
        assertThat(second.classLoader()).isNotSameAs(first.classLoader());
        assertThat(second.directory()).isNotEqualTo(first.directory()).isDirectory();
        assertThat(first.directory()).doesNotExist();
        assertThat(first.classLoader().getResource("plugin.xml")).isNull();
        assertThat(node.workFolders()).containsExactly(second.directory().getFileName().toString());
    }

    @Test
    void aJarCopiedInPlaceIsLoadedOnceItIsComplete() throws Exception {
        PluginManager manager = node.started(WATCHING);
        byte[] jar = TestPlugins.recording("alpha", "1.0").build();
        Path target = node.jar("alpha");

        Files.write(target, Arrays.copyOf(jar, jar.length / 2));
        Files.write(target, jar);

        await().atMost(PATIENCE).until(() -> manager.getPlugin("alpha").isPresent());
        assertThat(node.server.events()).containsExactly("alpha 1.0 initialized");
        assertThat(manager.getFailures()).isEmpty();
    }

    @Test
    void aJarThatCannotBeOpenedYetIsTriedAgainOnTheNextScanInsteadOfFailing() throws Exception {
        PluginManager manager = node.started(MANUAL);
        byte[] jar = TestPlugins.recording("alpha", "1.0").build();
        Path target = node.jar("alpha");

        Files.write(target, Arrays.copyOf(jar, jar.length / 2));
        manager.scan();

        assertThat(manager.getPlugins()).isEmpty();
        assertThat(manager.getFailures()).isEmpty();

        Files.write(target, jar);
        bumpLastModifiedTime(target);
        manager.scan();
        assertThat(manager.getPlugins()).as("still changing since the previous scan").isEmpty();

        manager.scan();
        assertThat(manager.getPlugins()).extracting(LoadedPlugin::id).containsExactly("alpha");
        assertThat(manager.getFailures()).isEmpty();
    }

    @Test
    void aCorruptJarIsReportedOnceItHasStoppedChanging() throws Exception {
        PluginManager manager = node.started(MANUAL);
        Files.writeString(node.jar("corrupt"), "this is not a zip file");

        manager.scan();
        assertThat(manager.getFailures()).isEmpty();

        manager.scan();
        assertThat(manager.getFailures()).containsOnlyKeys("corrupt.jar");
        assertThat(manager.getFailures().get("corrupt.jar")).contains("not a valid jar (zip) file");
    }

    @Test
    void aJarThatWasOnlyTouchedIsNotReloaded() throws Exception {
        TestPlugins.recording("alpha", "1.0").writeTo(node.jar("alpha"));
        PluginManager manager = node.started(MANUAL);
        LoadedPlugin alpha = manager.getPlugin("alpha").orElseThrow();

        bumpLastModifiedTime(node.jar("alpha"));
        manager.scan();

        assertThat(manager.getPlugin("alpha")).containsSame(alpha);
        assertThat(node.server.events()).containsExactly("alpha 1.0 initialized");
    }

    @Test
    void aFailedJarIsTriedAgainOnlyWhenItChanges() throws Exception {
        TestPlugins.recording("alpha", "1.0", "throw new IllegalStateException(\"not today\");").writeTo(node.jar("alpha"));
        PluginManager manager = node.started(MANUAL);
        assertThat(manager.getFailures()).containsOnlyKeys("alpha.jar");

        manager.scan();
        bumpLastModifiedTime(node.jar("alpha"));
        manager.scan();

        assertThat(node.server.events()).as("one attempt only").containsExactly("alpha 1.0 initialized");

        TestPlugins.recording("alpha", "1.1").writeTo(node.jar("alpha"));
        manager.scan();

        assertThat(manager.getFailures()).isEmpty();
        assertThat(manager.getPlugin("alpha")).map(p -> p.descriptor().version()).contains("1.1");
        assertThat(node.server.events()).containsExactly("alpha 1.0 initialized", "alpha 1.1 initialized");
    }

    @Test
    void removingAFailedJarClearsItsFailure() throws Exception {
        Files.createDirectories(node.plugins);
        Files.writeString(node.jar("corrupt"), "this is not a zip file");
        PluginManager manager = node.started(MANUAL);
        assertThat(manager.getFailures()).containsOnlyKeys("corrupt.jar");

        Files.delete(node.jar("corrupt"));
        manager.scan();

        assertThat(manager.getFailures()).isEmpty();
    }

    @Test
    void jarsRemovedTogetherAreUnloadedLatestLoadedFirst() throws Exception {
        for (String id : new String[] {"alpha", "beta", "gamma"}) {
            TestPlugins.recording(id, "1.0").writeTo(node.jar(id));
        }
        PluginManager manager = node.started(MANUAL);

        Files.delete(node.jar("alpha"));
        Files.delete(node.jar("gamma"));
        manager.scan();

        assertThat(node.server.events()).endsWith("gamma 1.0 destroyed", "alpha 1.0 destroyed");
        assertThat(manager.getPlugins()).extracting(LoadedPlugin::id).containsExactly("beta");
    }

    private static void bumpLastModifiedTime(Path file) throws Exception {
        FileTime now = Files.getLastModifiedTime(file);
        Files.setLastModifiedTime(file, FileTime.fromMillis(now.toMillis() + 2_000));
    }
}
