package org.skein.plugin;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.skein.ServerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a node's plugins: the jars in its {@code plugins/} folder, each with a {@code plugin.xml}
 * ({@link PluginDescriptor}) and its own class loader over its classes and {@code lib/*.jar}.
 *
 * <h2>Lifecycle</h2>
 * {@link #start()} creates the plugins and work folders if needed and loads every jar, in file name
 * order, before it returns. From then on a single daemon thread, {@code skein-plugin-monitor}, polls
 * the plugins folder every scan interval: a new jar is loaded, a removed jar's plugin is unloaded and
 * a replaced jar's plugin is unloaded and the new version loaded. {@link #close()} stops that thread
 * and unloads every plugin, latest loaded first.
 *
 * <p>Loading a jar unpacks it into a new folder under the work folder, reads its {@code plugin.xml},
 * checks {@code minServerVersion} against the server's version, creates the plugin's class loader,
 * creates the plugin class with its public no-argument constructor, calls
 * {@link Plugin#initializePlugin} and then tells the {@link PluginListener}s. Unloading tells the
 * listeners, calls {@link Plugin#destroyPlugin}, closes the class loader and deletes the folder.
 * Plugin code always runs with the plugin's class loader as the thread's context class loader.
 *
 * <h2>Broken plugins</h2>
 * A jar that cannot be loaded (no or invalid {@code plugin.xml}, class missing or not a
 * {@link Plugin}, constructor or {@code initializePlugin} failing, server too old, corrupt jar, an
 * entry that would be unpacked outside its folder) is logged with one warning naming the jar and the
 * reason, left unloaded with nothing behind, and listed in {@link #getFailures()}. The other plugins
 * load as usual. A failed jar is tried again only when it changes (or on {@link #reload}).
 *
 * <h2>Jars being copied</h2>
 * Polling compares each jar's size, last-modified time and file key with the previous scan; a changed
 * jar is reloaded only if its content hash changed too. A jar that cannot be opened as a zip yet, or
 * that is still changing between two scans, is taken as still being written and tried on the next
 * scan. {@link #install} avoids the question by moving a complete file into place.
 *
 * <h2>Threads</h2>
 * Every load, unload and scan runs on the monitor thread, one at a time, so plugins are started and
 * stopped on that thread only. {@link #scan}, {@link #install}, {@link #delete} and {@link #reload} hand
 * their work to it and wait until it is done; they cannot be called from the monitor thread itself (from
 * a plugin's {@code initializePlugin} or {@code destroyPlugin}, or a listener), where they would wait
 * for themselves. {@link #close()} may be: it then only queues the unloading. The getters read
 * snapshots and never wait. All methods are thread-safe.
 *
 * <p>The work folder belongs to the manager: {@code start()} deletes the unpacked folders that an
 * earlier run left there ({@code <id>-<number>}).
 */
public final class PluginManager implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PluginManager.class);
    private static final String MONITOR_THREAD_NAME = "skein-plugin-monitor";

    private enum State { NEW, RUNNING, CLOSED }

    private final Path pluginsDirectory;
    private final Path workDirectory;
    private final Duration scanInterval;
    private final PluginListeners listeners = new PluginListeners();
    private final PluginLoader loader;
    private final PluginDeployer deployer;
    private final ScheduledExecutorService monitor;
    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
    private volatile Thread monitorThread;
    /** Set on the monitor thread once every plugin is unloaded; no task may load anything after that. */
    private boolean unloadedForGood;

    /**
     * A plugin manager that stamps {@link LoadedPlugin#loadedAt()} with the system clock.
     *
     * @see #PluginManager(ServerContext, Path, Path, Duration, Clock)
     */
    public PluginManager(ServerContext server, Path pluginsDirectory, Path workDirectory, Duration scanInterval) {
        this(server, pluginsDirectory, workDirectory, scanInterval, Clock.systemUTC());
    }

    /**
     * Creates the manager; nothing happens until {@link #start()}.
     *
     * @param server the node that plugins get through {@link PluginContext#server()}
     * @param pluginsDirectory the folder watched for plugin jars
     * @param workDirectory a folder of the manager's own where jars are unpacked, such as
     *     {@code work/plugins}
     * @param scanInterval how often the plugins folder is polled; must be positive
     * @param clock stamps {@link LoadedPlugin#loadedAt()}
     * @throws IllegalArgumentException if the scan interval is not positive
     */
    public PluginManager(ServerContext server, Path pluginsDirectory, Path workDirectory, Duration scanInterval, Clock clock) {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(clock, "clock");
        this.pluginsDirectory = pluginsDirectory.toAbsolutePath().normalize();
        this.workDirectory = workDirectory.toAbsolutePath().normalize();
        this.scanInterval = Objects.requireNonNull(scanInterval, "scanInterval");
        if (scanInterval.isZero() || scanInterval.isNegative()) {
            throw new IllegalArgumentException("the plugin scan interval must be positive, got " + scanInterval);
        }
        this.loader = new PluginLoader(server, this.workDirectory, PluginManager.class.getClassLoader(), clock);
        this.deployer = new PluginDeployer(this.pluginsDirectory, loader, listeners);
        this.monitor = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, MONITOR_THREAD_NAME);
            thread.setDaemon(true);
            monitorThread = thread;
            return thread;
        });
    }

    /**
     * Creates the plugins and work folders if they are missing, loads every plugin jar (broken ones
     * are reported in {@link #getFailures()}) and starts watching the plugins folder.
     *
     * @throws IOException if the folders cannot be created or cleaned
     * @throws IllegalStateException if the manager was already started or closed
     */
    public void start() throws IOException {
        if (!state.compareAndSet(State.NEW, State.RUNNING)) {
            throw new IllegalStateException("the plugin manager can be started once, it is " + state.get());
        }
        Files.createDirectories(pluginsDirectory);
        Files.createDirectories(workDirectory);
        loader.removeLeftoverFolders();
        LOG.info("Loading plugins from {}, then scanning it every {} ms", pluginsDirectory, scanInterval.toMillis());
        runOnMonitor(() -> {
            deployer.scan(true);
            return null;
        });
        long intervalNanos = scanInterval.toNanos();
        try {
            monitor.scheduleWithFixedDelay(this::scheduledScan, intervalNanos, intervalNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            LOG.info("The plugin manager for {} was closed while it started; not watching the folder", pluginsDirectory);
        }
    }

    /**
     * Scans the plugins folder once, now, as the monitor thread does on its own: loads new jars,
     * unloads the plugins of removed jars, reloads changed ones, and leaves jars that are still being
     * written for a later scan. Returns when the scan is done.
     *
     * @throws IllegalStateException if the manager is not running, or if called from the monitor thread
     */
    public void scan() {
        runOnMonitor(() -> {
            deployer.scan(false);
            return null;
        });
    }

    /** The loaded plugins, in load order (a reloaded plugin moves to the end). */
    public List<LoadedPlugin> getPlugins() {
        return deployer.plugins();
    }

    /** The loaded plugin with this id (its jar's file name without {@code .jar}). */
    public Optional<LoadedPlugin> getPlugin(String id) {
        return deployer.plugin(id);
    }

    /**
     * The jars that could not be loaded: jar file name to the reason, sorted by file name. A jar leaves
     * this map when it loads, or when it is removed.
     */
    public Map<String, String> getFailures() {
        return deployer.failures();
    }

    /** Registers a listener for plugins loaded or unloaded from now on; it is called on the monitor thread. */
    public void addPluginListener(PluginListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    public void removePluginListener(PluginListener listener) {
        listeners.remove(listener);
    }

    /**
     * Puts a jar into the plugins folder and loads it, replacing (and unloading) the jar of that name
     * if there is one. The content is first written to a hidden temporary file in the plugins folder,
     * then moved into place in one step, so the monitor never sees half a jar. A jar with the very
     * same content as the one in place is not reloaded.
     *
     * @param jarFileName the jar's file name, such as {@code hazelcast.jar}; it gives the plugin's id
     * @param content the jar's bytes; read to the end, not closed
     * @return the loaded plugin
     * @throws IllegalArgumentException if the name does not end in {@code .jar}, starts with a dot or
     *     holds a path separator
     * @throws IOException if the jar cannot be written
     * @throws PluginException if the jar was installed but its plugin cannot be loaded; the jar stays
     *     in the plugins folder and the reason is in {@link #getFailures()}
     * @throws IllegalStateException if the manager is not running, or if called from the monitor thread
     */
    public LoadedPlugin install(String jarFileName, InputStream content) throws IOException, PluginException {
        Objects.requireNonNull(content, "content");
        if (!PluginFiles.isPluginJarName(jarFileName)) {
            throw new IllegalArgumentException("'" + jarFileName + "' is not a plugin jar name: it must end in '.jar', "
                    + "not start with a dot and hold no path separator");
        }
        requireCallable();
        Path temporary = Files.createTempFile(pluginsDirectory, ".installing-", ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(temporary)) {
                content.transferTo(out);
            }
            Files.move(temporary, pluginsDirectory.resolve(jarFileName),
                    StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
        LOG.info("Plugin jar {} installed in {}", jarFileName, pluginsDirectory);
        return runOnMonitor(() -> {
            deployer.update(jarFileName, true, false);
            return deployer.outcome(jarFileName);
        });
    }

    /**
     * Deletes a plugin's jar from the plugins folder and unloads the plugin. Works for failed jars too.
     *
     * @param id the jar's file name without {@code .jar}
     * @return whether there was such a jar
     * @throws IllegalArgumentException if the id could name a file outside the plugins folder
     * @throws IOException if the jar cannot be deleted
     * @throws IllegalStateException if the manager is not running, or if called from the monitor thread
     */
    public boolean delete(String id) throws IOException {
        String jarFileName = PluginFiles.jarNameOf(id);
        requireCallable();
        boolean existed = Files.deleteIfExists(pluginsDirectory.resolve(jarFileName));
        if (existed) {
            LOG.info("Plugin jar {} deleted from {}", jarFileName, pluginsDirectory);
        }
        runOnMonitor(() -> {
            deployer.update(jarFileName, true, false);
            return null;
        });
        return existed;
    }

    /**
     * Unloads a plugin and loads its jar again, as is; also retries a jar listed in {@link #getFailures()}.
     *
     * @param id the jar's file name without {@code .jar}
     * @return the plugin, loaded anew
     * @throws IllegalArgumentException if the id could name a file outside the plugins folder
     * @throws PluginException if there is no such jar or it cannot be loaded (the reason is then also
     *     in {@link #getFailures()})
     * @throws IllegalStateException if the manager is not running, or if called from the monitor thread
     */
    public LoadedPlugin reload(String id) throws PluginException {
        String jarFileName = PluginFiles.jarNameOf(id);
        return runOnMonitor(() -> {
            deployer.update(jarFileName, true, true);
            return deployer.outcome(jarFileName);
        });
    }

    /**
     * Stops watching the plugins folder and unloads every plugin, latest loaded first, then stops the
     * monitor thread, and returns once all that is done (it waits for a load in progress to finish
     * first). Does nothing the second time. Called from the monitor thread itself (by a plugin or
     * listener), it queues the unloading and returns at once.
     */
    @Override
    public void close() {
        State previous = state.getAndSet(State.CLOSED);
        if (previous == State.CLOSED) {
            return;
        }
        if (previous == State.RUNNING) {
            monitor.execute(this::unloadAll);
        }
        monitor.shutdown();
        if (Thread.currentThread() != monitorThread) {
            awaitMonitorTermination();
        }
        LOG.info("Plugin manager for {} closed", pluginsDirectory);
    }

    private void unloadAll() {
        try {
            deployer.unloadAll();
        } catch (RuntimeException e) {
            LOG.error("Unloading the plugins from {} failed", pluginsDirectory, e);
        } finally {
            unloadedForGood = true;
        }
    }

    private void scheduledScan() {
        try {
            deployer.scan(false);
        } catch (RuntimeException e) {
            // an exception would cancel the periodic scan for good; log it and scan again next time
            LOG.error("Scanning the plugins folder {} failed", pluginsDirectory, e);
        }
    }

    /** Checks that work can be handed to the monitor thread: the manager runs and this is another thread. */
    private void requireCallable() {
        State current = state.get();
        if (current != State.RUNNING) {
            throw new IllegalStateException("the plugin manager is " + current + ", not running");
        }
        if (Thread.currentThread() == monitorThread) {
            throw new IllegalStateException("plugin manager operations cannot be called from the plugin monitor "
                    + "thread (a plugin's initializePlugin or destroyPlugin, or a plugin listener)");
        }
    }

    /** Runs the task on the monitor thread, after the work queued before it, and waits for it. */
    private <T, E extends Exception> T runOnMonitor(MonitorTask<T, E> task) throws E {
        requireCallable();
        Future<T> result;
        try {
            result = monitor.submit(() -> {
                if (unloadedForGood) {
                    throw new IllegalStateException("the plugin manager is closed");
                }
                return task.run();
            });
        } catch (RejectedExecutionException e) {
            throw new IllegalStateException("the plugin manager is closed", e);
        }
        try {
            return awaitUninterruptibly(result);
        } catch (ExecutionException e) {
            throw MonitorTask.<E>rethrow(e.getCause());
        }
    }

    /**
     * Waits for work on the monitor thread without giving up on an interrupt, since the load or unload
     * would go on anyway; the interrupt is kept for the caller to see.
     */
    private static <T> T awaitUninterruptibly(Future<T> result) throws ExecutionException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return result.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void awaitMonitorTermination() {
        try {
            while (!monitor.awaitTermination(1, TimeUnit.MINUTES)) {
                LOG.warn("Still waiting for the plugins of {} to unload", pluginsDirectory);
            }
        } catch (InterruptedException e) {
            LOG.warn("Interrupted while waiting for the plugins of {} to unload; they go on unloading", pluginsDirectory);
            Thread.currentThread().interrupt();
        }
    }

    /** Work for the monitor thread that may throw {@code E} (or an unchecked exception). */
    @FunctionalInterface
    private interface MonitorTask<T, E extends Exception> {

        T run() throws E;

        /** Rethrows what a task threw as it was: unchecked as is, checked as the task's {@code E}. */
        @SuppressWarnings("unchecked")
        static <E extends Exception> E rethrow(Throwable thrown) throws E {
            if (thrown instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (thrown instanceof Error error) {
                throw error;
            }
            return (E) thrown;
        }
    }
}
