package org.skein.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.skein.plugin.PluginManagerFixture.MANUAL;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading plugins at start: what a plugin gets, its class loader, the listeners, the manager's states. */
class PluginManagerTest {

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
    void startCreatesTheFoldersWhenTheyAreMissing() throws IOException {
        PluginManager manager = node.started(MANUAL);

        assertThat(node.plugins).isDirectory();
        assertThat(node.work).isDirectory();
        assertThat(manager.getPlugins()).isEmpty();
        assertThat(manager.getFailures()).isEmpty();
    }

    @Test
    void loadsAJarAtStartAndInitializesItsPluginWithItsContext() throws Exception {
        TestPlugins.recording("alpha", "1.0").writeTo(node.jar("alpha"));

        PluginManager manager = node.started(MANUAL);

        assertThat(node.server.events()).containsExactly("alpha 1.0 initialized");
        LoadedPlugin alpha = manager.getPlugin("alpha").orElseThrow();
        assertThat(manager.getPlugins()).containsExactly(alpha);
        assertThat(alpha.id()).isEqualTo("alpha");
        assertThat(alpha.jarFile()).isEqualTo(node.jar("alpha").toAbsolutePath());
        assertThat(alpha.directory()).isDirectory().startsWith(node.work.toAbsolutePath());
        assertThat(alpha.directory().resolve("plugin.xml")).isRegularFile();
        assertThat(alpha.loadedAt()).isEqualTo(PluginManagerFixture.NOW);
        assertThat(alpha.descriptor().className()).isEqualTo("test.alpha.AlphaPlugin");
        assertThat(alpha.descriptor().name()).isEqualTo("Plugin alpha");
        assertThat(alpha.descriptor().version()).isEqualTo("1.0");
        assertThat(alpha.plugin().getClass().getName()).isEqualTo("test.alpha.AlphaPlugin");
        assertThat(alpha.plugin().getClass().getClassLoader()).isSameAs(alpha.classLoader());
        assertThat(alpha.classLoader().getParent()).isSameAs(PluginManager.class.getClassLoader());

        PluginContext context = node.contextOf("alpha");
        assertThat(context.server()).isSameAs(node.server);
        assertThat(context.descriptor()).isEqualTo(alpha.descriptor());
        assertThat(context.pluginDirectory()).isEqualTo(alpha.directory());
        assertThat(context.classLoader()).isSameAs(alpha.classLoader());
        assertThat(context.config()).isSameAs(node.server.config());
    }

    @Test
    void runsPluginCodeOnTheMonitorThreadWithThePluginsContextClassLoader() throws Exception {
        TestPlugins.recording("alpha", "1.0").writeTo(node.jar("alpha"));
        PluginManager manager = node.started(MANUAL);
        LoadedPlugin alpha = manager.getPlugin("alpha").orElseThrow();

        Thread initThread = (Thread) node.server.registry().get("alpha.thread");
        assertThat(initThread.getName()).isEqualTo("skein-plugin-monitor");
        assertThat(initThread.isDaemon()).isTrue();
        assertThat(node.server.registry().get("alpha.contextClassLoader")).isSameAs(alpha.classLoader());

        manager.delete("alpha");

        assertThat(node.server.registry().get("alpha.destroyThread")).isSameAs(initThread);
        assertThat(initThread.getContextClassLoader()).isNotSameAs(alpha.classLoader());
    }

    @Test
    void loadsJarsInFileNameOrder() throws Exception {
        for (String id : List.of("gamma", "alpha", "beta")) {
            TestPlugins.recording(id, "1.0").writeTo(node.jar(id));
        }

        PluginManager manager = node.started(MANUAL);

        assertThat(manager.getPlugins()).extracting(LoadedPlugin::id).containsExactly("alpha", "beta", "gamma");
        assertThat(node.server.events()).containsExactly("alpha 1.0 initialized", "beta 1.0 initialized", "gamma 1.0 initialized");
    }

    @Test
    void aPluginCanUseAClassFromItsLibJars() throws Exception {
        PluginJarBuilder greeter = PluginJarBuilder.library().javaSource("test.greeter.Greeter", """
                package test.greeter;
                public final class Greeter {
                    public static String greet(String who) {
                        return "hello " + who;
                    }
                }
                """);
        TestPlugins.recording("alpha", "1.0", """
                        server.record(test.greeter.Greeter.greet("from lib"));
                        server.registry().put("alpha.greeterLoader", test.greeter.Greeter.class.getClassLoader());
                        """)
                .lib("greeter.jar", greeter)
                .writeTo(node.jar("alpha"));

        PluginManager manager = node.started(MANUAL);

        assertThat(node.server.events()).containsExactly("alpha 1.0 initialized", "hello from lib");
        LoadedPlugin alpha = manager.getPlugin("alpha").orElseThrow();
        assertThat(node.server.registry().get("alpha.greeterLoader")).isSameAs(alpha.classLoader());
        assertThat(alpha.directory().resolve("lib/greeter.jar")).isRegularFile();
        assertThat(alpha.classLoader().getResource("test/alpha/AlphaPlugin.class")).isNotNull();
        assertThat(alpha.classLoader().getResource("test/greeter/Greeter.class")).isNotNull();
    }

    @Test
    void thePluginsFilesAreUnpackedIntoItsFolderAndAreResourcesOfItsClassLoader() throws Exception {
        TestPlugins.recording("alpha", "1.0")
                .file("web/index.html", "<html>alpha</html>")
                .file("i18n/alpha_i18n.properties", "title=Alpha")
                .writeTo(node.jar("alpha"));

        PluginManager manager = node.started(MANUAL);

        LoadedPlugin alpha = manager.getPlugin("alpha").orElseThrow();
        assertThat(alpha.directory().resolve("web/index.html")).hasContent("<html>alpha</html>");
        try (InputStream in = alpha.classLoader().getResourceAsStream("i18n/alpha_i18n.properties")) {
            assertThat(in).isNotNull();
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("title=Alpha");
        }
    }

    @Test
    void eachPluginHasItsOwnClassLoader() throws Exception {
        TestPlugins.recording("alpha", "1.0").writeTo(node.jar("alpha"));
        TestPlugins.recording("beta", "1.0").writeTo(node.jar("beta"));

        PluginManager manager = node.started(MANUAL);

        ClassLoader alpha = manager.getPlugin("alpha").orElseThrow().classLoader();
        ClassLoader beta = manager.getPlugin("beta").orElseThrow().classLoader();
        assertThat(alpha).isNotSameAs(beta);
        assertThatThrownBy(() -> alpha.loadClass("test.beta.BetaPlugin")).isInstanceOf(ClassNotFoundException.class);
        assertThat(alpha.loadClass(Plugin.class.getName())).isSameAs(Plugin.class);
    }

    @Test
    void listenersHearOfPluginsLoadedAndUnloadedAndAFailingListenerDoesNotStopTheOthers() throws Exception {
        List<String> heard = new CopyOnWriteArrayList<>();
        PluginManager manager = node.manager(MANUAL);
        manager.addPluginListener(new PluginListener() {
            @Override
            public void pluginLoaded(LoadedPlugin plugin) {
                throw new IllegalStateException("a broken listener");
            }

            @Override
            public void pluginUnloading(LoadedPlugin plugin) {
                throw new IllegalStateException("a broken listener");
            }
        });
        PluginListener listener = new PluginListener() {
            @Override
            public void pluginLoaded(LoadedPlugin plugin) {
                heard.add("loaded " + plugin.id() + ", initialized: " + node.server.events().contains("alpha 1.0 initialized"));
            }

            @Override
            public void pluginUnloading(LoadedPlugin plugin) {
                heard.add("unloading " + plugin.id() + ", destroyed: " + node.server.events().contains("alpha 1.0 destroyed"));
            }
        };
        manager.addPluginListener(listener);
        TestPlugins.recording("alpha", "1.0").writeTo(node.jar("alpha"));

        manager.start();
        manager.delete("alpha");
        manager.removePluginListener(listener);
        TestPlugins.recording("alpha", "1.0").writeTo(node.jar("alpha"));
        manager.scan();

        assertThat(heard).containsExactly("loaded alpha, initialized: true", "unloading alpha, destroyed: false");
        assertThat(manager.getPlugins()).extracting(LoadedPlugin::id).containsExactly("alpha");
    }

    @Test
    void filesThatAreNotPluginJarsAreIgnored() throws Exception {
        Files.createDirectories(node.plugins.resolve("folder.jar"));
        Files.writeString(node.plugins.resolve("readme.txt"), "not a plugin");
        TestPlugins.recording("hidden", "1.0").writeTo(node.plugins.resolve(".hidden.jar"));

        PluginManager manager = node.started(MANUAL);

        assertThat(manager.getPlugins()).isEmpty();
        assertThat(manager.getFailures()).isEmpty();
    }

    @Test
    void startDeletesFoldersLeftInTheWorkFolderByAnEarlierRun() throws Exception {
        Path leftover = Files.createDirectories(node.work.resolve("alpha-1").resolve("lib"));
        Files.writeString(leftover.resolve("stale.jar"), "stale");
        TestPlugins.recording("alpha", "1.0").writeTo(node.jar("alpha"));

        PluginManager manager = node.started(MANUAL);

        assertThat(node.workFolders()).containsExactly(manager.getPlugin("alpha").orElseThrow().directory().getFileName().toString());
        assertThat(leftover).doesNotExist();
    }

    @Test
    void twoNodesInOneJvmLoadTheSameJarIndependently(@TempDir Path otherHome) throws Exception {
        TestPlugins.recording("alpha", "1.0").writeTo(node.jar("alpha"));
        try (PluginManagerFixture other = new PluginManagerFixture(otherHome)) {
            TestPlugins.recording("alpha", "1.0").writeTo(other.jar("alpha"));
            PluginManager first = node.started(MANUAL);
            PluginManager second = other.started(MANUAL);

            LoadedPlugin firstAlpha = first.getPlugin("alpha").orElseThrow();
            LoadedPlugin secondAlpha = second.getPlugin("alpha").orElseThrow();
            assertThat(firstAlpha.plugin().getClass()).isNotSameAs(secondAlpha.plugin().getClass());
            assertThat(other.contextOf("alpha").server()).isSameAs(other.server);

            second.close();

            assertThat(other.server.events()).containsExactly("alpha 1.0 initialized", "alpha 1.0 destroyed");
            assertThat(node.server.events()).containsExactly("alpha 1.0 initialized");
            assertThat(first.getPlugins()).containsExactly(firstAlpha);
        }
    }

    @Test
    void theScanIntervalMustBePositive() {
        assertThatThrownBy(() -> node.manager(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> node.manager(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void operationsNeedARunningManager() throws Exception {
        PluginManager manager = node.manager(MANUAL);

        assertThatThrownBy(manager::scan).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> manager.reload("alpha")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> manager.delete("alpha")).isInstanceOf(IllegalStateException.class);

        manager.start();
        assertThatThrownBy(manager::start).isInstanceOf(IllegalStateException.class);

        manager.close();
        assertThatThrownBy(manager::scan).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(manager::start).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> manager.install("alpha.jar", InputStream.nullInputStream())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void operationsCannotBeCalledFromPluginCode() throws Exception {
        PluginManager manager = node.manager(MANUAL);
        List<Throwable> thrown = new CopyOnWriteArrayList<>();
        manager.addPluginListener(new PluginListener() {
            @Override
            public void pluginLoaded(LoadedPlugin plugin) {
                try {
                    manager.scan();
                } catch (IllegalStateException e) {
                    thrown.add(e);
                }
            }
        });
        TestPlugins.recording("alpha", "1.0").writeTo(node.jar("alpha"));

        manager.start();

        assertThat(thrown).singleElement().asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.THROWABLE)
                .hasMessageContaining("cannot be called from the plugin monitor thread");
        assertThat(manager.getPlugins()).extracting(LoadedPlugin::id).containsExactly("alpha");
    }
}
