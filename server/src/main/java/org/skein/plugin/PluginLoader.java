package org.skein.plugin;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.regex.Pattern;
import org.skein.ServerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one plugin jar into a running plugin and back: unpack, read {@code plugin.xml}, check the
 * server version, create the class loader, create and initialize the plugin; and on unload destroy it,
 * close its loader and delete its folder. Whatever fails, nothing is left behind.
 *
 * <p>Each load unpacks into a new folder {@code <work>/<id>-<generation>}, so a reload never writes
 * over files that the old class loader may still hold open. Not thread-safe: the manager calls it from
 * its monitor thread only.
 */
final class PluginLoader {

    private static final Logger LOG = LoggerFactory.getLogger(PluginLoader.class);
    private static final Pattern UNPACKED_FOLDER = Pattern.compile(".+-\\d+");
    private static final String DESCRIPTOR = "plugin.xml";

    private final ServerContext server;
    private final Path workDirectory;
    private final ClassLoader parent;
    private final Clock clock;
    private long generation;

    PluginLoader(ServerContext server, Path workDirectory, ClassLoader parent, Clock clock) {
        this.server = server;
        this.workDirectory = workDirectory;
        this.parent = parent;
        this.clock = clock;
    }

    /** Deletes the folders of plugins unpacked by an earlier run that did not stop cleanly. */
    void removeLeftoverFolders() throws IOException {
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(workDirectory,
                path -> Files.isDirectory(path) && UNPACKED_FOLDER.matcher(path.getFileName().toString()).matches())) {
            for (Path leftover : stream) {
                LOG.debug("Deleting {}, left over from an earlier run", leftover);
                PluginFiles.deleteRecursively(leftover);
            }
        }
    }

    /**
     * Loads and initializes the plugin in a jar.
     *
     * @throws PluginException if any step fails; the class loader is then closed and the folder deleted
     */
    Deployment load(Path jar, JarFingerprint fingerprint, String contentHash) throws PluginException {
        String id = PluginFiles.idOf(jar.getFileName().toString());
        Path folder = workDirectory.resolve(id + "-" + ++generation);
        PluginClassLoader loader = null;
        boolean loaded = false;
        try {
            createEmptyFolder(folder);
            JarUnpacker.unpack(jar, folder);
            PluginDescriptor descriptor = readDescriptor(folder);
            checkServerVersion(descriptor);
            loader = createClassLoader(id, folder);
            Plugin plugin = instantiate(descriptor.className(), loader);
            initialize(plugin, new DefaultPluginContext(server, descriptor, folder, loader));
            LoadedPlugin view = new LoadedPlugin(id, descriptor, plugin, loader, folder, jar, clock.instant());
            Deployment deployment = new Deployment(view, loader, fingerprint, contentHash);
            loaded = true;
            return deployment;
        } finally {
            if (!loaded) {
                discard(jar, loader, folder);
            }
        }
    }

    /** Destroys the plugin (logging anything it throws), closes its class loader and deletes its folder. */
    void unload(Deployment deployment) {
        LoadedPlugin loaded = deployment.plugin();
        try {
            inContextOf(deployment.classLoader(), () -> {
                loaded.plugin().destroyPlugin();
                return null;
            });
        } catch (Throwable e) {
            // a plugin must not stop the node or its own unloading, whatever it throws
            LOG.warn("Plugin {}: destroyPlugin threw {}; unloading it anyway", loaded.jarFile(), e, e);
        }
        discard(loaded.jarFile(), deployment.classLoader(), loaded.directory());
    }

    private static void createEmptyFolder(Path folder) throws PluginException {
        try {
            PluginFiles.deleteRecursively(folder);
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new PluginException("cannot create the folder " + folder + ": " + e);
        }
    }

    private static PluginDescriptor readDescriptor(Path folder) throws PluginException {
        Path file = folder.resolve(DESCRIPTOR);
        if (!Files.isRegularFile(file)) {
            throw new PluginException("no " + DESCRIPTOR + " at the root of the jar");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return PluginDescriptor.parse(in, DESCRIPTOR);
        } catch (IOException e) {
            throw new PluginException("cannot read " + DESCRIPTOR + ": " + e);
        }
    }

    private void checkServerVersion(PluginDescriptor descriptor) throws PluginException {
        String required = descriptor.minServerVersion();
        if (required == null) {
            return;
        }
        DottedVersion running;
        try {
            running = DottedVersion.parse(server.version());
        } catch (IllegalArgumentException e) {
            throw new PluginException("the plugin needs server version " + required
                    + " or later and this server's version cannot be compared: " + e.getMessage());
        }
        if (!running.isAtLeast(DottedVersion.parse(required))) {
            throw new PluginException("the plugin needs server version " + required
                    + " or later (minServerVersion) and this server is " + server.version());
        }
    }

    private PluginClassLoader createClassLoader(String id, Path folder) throws PluginException {
        try {
            return PluginClassLoader.create(id, folder, parent);
        } catch (IOException e) {
            throw new PluginException("cannot list the jars in lib/: " + e);
        }
    }

    private static Plugin instantiate(String className, ClassLoader loader) throws PluginException {
        Class<?> type;
        try {
            type = Class.forName(className, false, loader);
        } catch (ClassNotFoundException e) {
            throw new PluginException("the class " + className + " named in " + DESCRIPTOR
                    + " is neither in the jar nor in its lib/*.jar");
        } catch (LinkageError e) {
            throw new PluginException("the class " + className + " cannot be loaded: " + e);
        }
        if (!Plugin.class.isAssignableFrom(type)) {
            throw new PluginException("the class " + className + " does not implement " + Plugin.class.getName());
        }
        Constructor<? extends Plugin> constructor;
        try {
            constructor = type.asSubclass(Plugin.class).getConstructor();
        } catch (NoSuchMethodException e) {
            throw new PluginException("the class " + className + " has no public no-argument constructor");
        }
        try {
            return inContextOf(loader, constructor::newInstance);
        } catch (InvocationTargetException e) {
            throw new PluginException("the constructor of " + className + " threw " + e.getCause(), e.getCause());
        } catch (InstantiationException e) {
            throw new PluginException("the class " + className + " is abstract");
        } catch (IllegalAccessException e) {
            throw new PluginException("the class " + className + " is not public");
        } catch (ExceptionInInitializerError e) {
            throw new PluginException("the static initializer of " + className + " threw " + e.getCause(), e.getCause());
        } catch (Throwable e) {
            // a plugin must not stop the node, whatever it throws (NoClassDefFoundError of a missing library...)
            throw new PluginException("the class " + className + " cannot be created: " + e, e);
        }
    }

    private static void initialize(Plugin plugin, PluginContext context) throws PluginException {
        try {
            inContextOf(context.classLoader(), () -> {
                plugin.initializePlugin(context);
                return null;
            });
        } catch (Throwable e) {
            // a plugin must not stop the node, whatever it throws
            throw new PluginException("initializePlugin threw " + e, e);
        }
    }

    private static void discard(Path jar, PluginClassLoader loader, Path folder) {
        if (loader != null) {
            try {
                loader.close();
            } catch (IOException e) {
                LOG.warn("Plugin {}: cannot close its class loader: {}", jar, e.toString());
            }
        }
        try {
            PluginFiles.deleteRecursively(folder);
        } catch (IOException e) {
            LOG.warn("Plugin {}: cannot delete its folder {}: {}", jar, folder, e.toString());
        }
    }

    /** Runs plugin code with the plugin's class loader as the thread's context class loader. */
    private static <T> T inContextOf(ClassLoader loader, PluginCode<T> code) throws Exception {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            return code.run();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    @FunctionalInterface
    private interface PluginCode<T> {
        T run() throws Exception;
    }
}
