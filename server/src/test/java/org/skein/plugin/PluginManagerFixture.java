package org.skein.plugin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * One test node's plugin folders, fake server and plugin managers; closing it closes the managers it
 * made. Use {@link #WATCHING} to test the monitor thread, {@link #MANUAL} to drive scans by hand.
 */
final class PluginManagerFixture implements AutoCloseable {

    static final String SERVER_VERSION = "0.1.0-SNAPSHOT";
    static final Instant NOW = Instant.parse("2030-01-02T03:04:05Z");
    /** Short enough for the monitor thread to react quickly in tests. */
    static final Duration WATCHING = Duration.ofMillis(100);
    /** So long that the monitor thread never scans during a test: scans happen when the test says. */
    static final Duration MANUAL = Duration.ofHours(1);

    final Path home;
    final Path plugins;
    final Path work;
    final FakeServerContext server;
    private final List<PluginManager> managers = new ArrayList<>();

    PluginManagerFixture(Path home) {
        this.home = home;
        this.plugins = home.resolve("plugins");
        this.work = home.resolve("work").resolve("plugins");
        this.server = new FakeServerContext(SERVER_VERSION, home, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    PluginManager manager(Duration scanInterval) {
        PluginManager manager = new PluginManager(server, plugins, work, scanInterval, server.clock());
        managers.add(manager);
        return manager;
    }

    PluginManager started(Duration scanInterval) throws IOException {
        PluginManager manager = manager(scanInterval);
        manager.start();
        return manager;
    }

    /** The plugins folder, created if needed, for writing jars before the manager starts. */
    Path pluginsFolder() throws IOException {
        return Files.createDirectories(plugins);
    }

    Path jar(String id) throws IOException {
        return pluginsFolder().resolve(id + ".jar");
    }

    /** The names of the folders in the work folder. */
    List<String> workFolders() {
        if (!Files.isDirectory(work)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(work)) {
            return list.map(path -> path.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The names of the files in the plugins folder. */
    List<String> pluginFiles() {
        try (Stream<Path> list = Files.list(plugins)) {
            return list.map(path -> path.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The context a recording plugin was last given. */
    PluginContext contextOf(String id) {
        return (PluginContext) server.registry().get(id + ".context");
    }

    @Override
    public void close() {
        managers.forEach(PluginManager::close);
    }
}
