package org.skein.plugin;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the running plugins in line with the jars in the plugins folder: loads new jars, unloads
 * removed ones, reloads changed ones, and remembers the jars that failed so that they are tried again
 * only once they change.
 *
 * <p>A jar counts as changed when its {@link JarFingerprint} differs from the one it was loaded (or
 * failed) with and its content hash differs too; a jar that was only touched is not reloaded. A jar
 * that is still being copied is left alone until it is complete: one that cannot be opened as a zip
 * yet, or whose fingerprint changed since the previous scan, is tried again on the next scan. A jar
 * that stays the same for a whole scan and still cannot be opened is reported as broken.
 *
 * <p>Confined to the plugin manager's monitor thread, except {@link #plugins()}, {@link #failures()}
 * and {@link #plugin(String)}, which read immutable snapshots and may be called from any thread.
 */
final class PluginDeployer {

    private static final Logger LOG = LoggerFactory.getLogger(PluginDeployer.class);

    private final Path pluginsDirectory;
    private final PluginLoader loader;
    private final PluginListeners listeners;

    /** By jar file name, in load order. */
    private final Map<String, Deployment> loaded = new LinkedHashMap<>();
    /** By jar file name. */
    private final Map<String, Failure> failed = new HashMap<>();
    /** Jars not yet complete, by file name, with the fingerprint they had at the last scan. */
    private final Map<String, JarFingerprint> incomplete = new HashMap<>();

    private volatile List<LoadedPlugin> pluginsSnapshot = List.of();
    private volatile Map<String, String> failuresSnapshot = Map.of();

    PluginDeployer(Path pluginsDirectory, PluginLoader loader, PluginListeners listeners) {
        this.pluginsDirectory = pluginsDirectory;
        this.loader = loader;
        this.listeners = listeners;
    }

    List<LoadedPlugin> plugins() {
        return pluginsSnapshot;
    }

    Optional<LoadedPlugin> plugin(String id) {
        return pluginsSnapshot.stream().filter(plugin -> plugin.id().equals(id)).findFirst();
    }

    /** Jar file name to the reason it failed, sorted by file name. */
    Map<String, String> failures() {
        return failuresSnapshot;
    }

    /**
     * One pass over the plugins folder: unloads the plugins whose jar is gone (latest loaded first),
     * then brings every jar up to date, in file name order.
     *
     * @param assumeComplete whether every jar may be taken as fully written (true at start, when
     *     nothing is copying into the folder yet)
     */
    void scan(boolean assumeComplete) {
        Set<String> present;
        try {
            present = listJars();
        } catch (IOException e) {
            LOG.warn("Cannot list the plugins folder {}: {}; the plugins stay as they are", pluginsDirectory, e.toString());
            return;
        }
        List<String> loadedNewestFirst = new ArrayList<>(loaded.keySet());
        Collections.reverse(loadedNewestFirst);
        Set<String> gone = new LinkedHashSet<>(loadedNewestFirst);
        gone.addAll(new TreeSet<>(failed.keySet()));
        gone.addAll(new TreeSet<>(incomplete.keySet()));
        gone.removeAll(present);
        gone.forEach(this::forget);
        for (String jarFileName : present) {
            update(jarFileName, assumeComplete, false);
        }
    }

    /**
     * Brings one jar up to date: loads it if it is new or changed, unloads its plugin if it is gone.
     *
     * @param assumeComplete whether the jar may be taken as fully written (it was moved into place
     *     whole, or an operator asked for it)
     * @param force whether to reload it even if it has not changed
     */
    void update(String jarFileName, boolean assumeComplete, boolean force) {
        Path jar = pluginsDirectory.resolve(jarFileName);
        Optional<JarFingerprint> seen;
        try {
            seen = JarFingerprint.of(jar);
        } catch (IOException e) {
            LOG.warn("Cannot read the attributes of {}: {}; trying again on the next scan", jar, e.toString());
            return;
        }
        if (seen.isEmpty()) {
            forget(jarFileName);
            return;
        }
        JarFingerprint fingerprint = seen.get();
        if (!force && fingerprint.equals(knownFingerprint(jarFileName))) {
            incomplete.remove(jarFileName);
            return;
        }
        if (!assumeComplete && isIncomplete(jarFileName, jar, fingerprint)) {
            return;
        }
        incomplete.remove(jarFileName);
        String contentHash;
        try {
            contentHash = PluginFiles.sha256(jar);
        } catch (IOException e) {
            unload(jarFileName);
            fail(jarFileName, jar, new Failure("cannot be read: " + e, fingerprint, null), null);
            return;
        }
        if (!force && contentHash.equals(knownContentHash(jarFileName))) {
            LOG.debug("{} was touched but its content is the same; nothing to reload", jar);
            rememberFingerprint(jarFileName, fingerprint);
            return;
        }
        unload(jarFileName);
        failed.remove(jarFileName);
        load(jarFileName, jar, fingerprint, contentHash);
    }

    /**
     * What became of a jar: its plugin if it is loaded.
     *
     * @throws PluginException with the reason it failed, or saying that there is no such jar
     */
    LoadedPlugin outcome(String jarFileName) throws PluginException {
        Deployment deployment = loaded.get(jarFileName);
        if (deployment != null) {
            return deployment.plugin();
        }
        Failure failure = failed.get(jarFileName);
        if (failure != null) {
            throw new PluginException(jarFileName + ": " + failure.reason());
        }
        throw new PluginException("there is no " + jarFileName + " in " + pluginsDirectory);
    }

    /** Unloads every plugin, latest loaded first, and forgets all jars. */
    void unloadAll() {
        List<String> newestFirst = new ArrayList<>(loaded.keySet());
        Collections.reverse(newestFirst);
        newestFirst.forEach(this::unload);
        failed.clear();
        incomplete.clear();
        publish();
    }

    private Set<String> listJars() throws IOException {
        Set<String> jars = new TreeSet<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(pluginsDirectory)) {
            for (Path path : stream) {
                String fileName = path.getFileName().toString();
                if (PluginFiles.isPluginJarName(fileName) && Files.isRegularFile(path)) {
                    jars.add(fileName);
                }
            }
        }
        return jars;
    }

    /** The fingerprint of the version of the jar that was loaded or failed, if any. */
    private JarFingerprint knownFingerprint(String jarFileName) {
        Deployment current = loaded.get(jarFileName);
        if (current != null) {
            return current.fingerprint();
        }
        Failure failure = failed.get(jarFileName);
        return failure == null ? null : failure.fingerprint();
    }

    /** The content hash of the version of the jar that was loaded or failed, if any. */
    private String knownContentHash(String jarFileName) {
        Deployment current = loaded.get(jarFileName);
        if (current != null) {
            return current.contentHash();
        }
        Failure failure = failed.get(jarFileName);
        return failure == null ? null : failure.contentHash();
    }

    /** Records that the loaded or failed jar now has this fingerprint, its content being the same. */
    private void rememberFingerprint(String jarFileName, JarFingerprint fingerprint) {
        loaded.computeIfPresent(jarFileName, (name, deployment) -> deployment.withFingerprint(fingerprint));
        failed.computeIfPresent(jarFileName, (name, failure) -> failure.withFingerprint(fingerprint));
    }

    private boolean isIncomplete(String jarFileName, Path jar, JarFingerprint fingerprint) {
        JarFingerprint previous = incomplete.get(jarFileName);
        boolean stillChanging = previous != null && !previous.equals(fingerprint);
        boolean unreadableOnFirstSight = previous == null && !PluginFiles.opensAsZip(jar);
        if (stillChanging || unreadableOnFirstSight) {
            LOG.debug("{} looks like it is still being written; trying again on the next scan", jar);
            incomplete.put(jarFileName, fingerprint);
            return true;
        }
        return false;
    }

    private void load(String jarFileName, Path jar, JarFingerprint fingerprint, String contentHash) {
        Deployment deployment;
        try {
            deployment = loader.load(jar, fingerprint, contentHash);
        } catch (PluginException e) {
            fail(jarFileName, jar, new Failure(e.getMessage(), fingerprint, contentHash), e.getCause());
            return;
        }
        loaded.put(jarFileName, deployment);
        publish();
        LoadedPlugin plugin = deployment.plugin();
        LOG.info("Plugin {} loaded from {}: {} {}", plugin.id(), jar, plugin.descriptor().name(), plugin.descriptor().version());
        listeners.loaded(plugin);
    }

    private void fail(String jarFileName, Path jar, Failure failure, Throwable pluginCodeFailure) {
        failed.put(jarFileName, failure);
        publish();
        if (pluginCodeFailure == null) {
            LOG.warn("Plugin {} skipped: {}", jar, failure.reason());
        } else {
            LOG.warn("Plugin {} skipped: {}", jar, failure.reason(), pluginCodeFailure);
        }
    }

    private void forget(String jarFileName) {
        incomplete.remove(jarFileName);
        if (failed.remove(jarFileName) != null) {
            publish();
        }
        unload(jarFileName);
    }

    private void unload(String jarFileName) {
        Deployment deployment = loaded.get(jarFileName);
        if (deployment == null) {
            return;
        }
        LoadedPlugin plugin = deployment.plugin();
        listeners.unloading(plugin);
        loader.unload(deployment);
        loaded.remove(jarFileName);
        publish();
        LOG.info("Plugin {} unloaded", plugin.id());
    }

    private void publish() {
        pluginsSnapshot = loaded.values().stream().map(Deployment::plugin).toList();
        Map<String, String> failures = new TreeMap<>();
        failed.forEach((jarFileName, failure) -> failures.put(jarFileName, failure.reason()));
        failuresSnapshot = Collections.unmodifiableMap(failures);
    }

    /** A jar that could not be loaded, and the version of it that failed. */
    private record Failure(String reason, JarFingerprint fingerprint, String contentHash) {

        Failure withFingerprint(JarFingerprint newFingerprint) {
            return new Failure(reason, newFingerprint, contentHash);
        }
    }
}
