package org.skein.hazelcast.serialization;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.skein.plugin.LoadedPlugin;
import org.skein.plugin.PluginListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds classes for objects that come from the cluster: first through the Hazelcast plugin's own
 * class loader (and so the server's and the JDK's), then through the class loader of every other
 * loaded plugin in load order, last through the thread's context class loader (a plugin that reads
 * its cache while it is being initialized is not registered yet).
 *
 * <p>It listens to the plugin manager: a plugin that is unloaded is forgotten before its
 * {@code destroyPlugin} runs, and a plugin that is loaded (or loaded again) is added, and the lookup
 * cache is dropped each time, so an object is always made of the classes of the plugin loaded now.
 * It also keeps the {@link ClassAllowlist} in step with the classes of the loaded plugins, and allows
 * the classes of a plugin that is being initialized on the current thread (the plugin manager tells
 * listeners only after {@code initializePlugin} returned, and a plugin may read its cache there).
 */
public final class PluginClassResolver implements PluginListener {

    private static final Logger LOG = LoggerFactory.getLogger(PluginClassResolver.class);
    private static final Map<String, Class<?>> PRIMITIVES = Map.of(
            "boolean", boolean.class, "byte", byte.class, "char", char.class, "short", short.class,
            "int", int.class, "long", long.class, "float", float.class, "double", double.class, "void", void.class);

    private final ClassLoader own;
    private final ClassAllowlist allowlist;
    private final Map<String, ClassLoader> plugins = new ConcurrentHashMap<>();
    private volatile List<ClassLoader> order = List.of();
    private volatile Map<String, Class<?>> found = new ConcurrentHashMap<>();

    /**
     * @param own the Hazelcast plugin's class loader; plugins loaded through it are not added again
     * @param allowlist told the packages of the plugins as they load and unload
     */
    public PluginClassResolver(ClassLoader own, ClassAllowlist allowlist) {
        this.own = Objects.requireNonNull(own, "own");
        this.allowlist = Objects.requireNonNull(allowlist, "allowlist");
    }

    /** Adds the plugins that were loaded before this resolver was registered. */
    public void addAll(Collection<LoadedPlugin> loaded) {
        loaded.forEach(this::pluginLoaded);
    }

    @Override
    public synchronized void pluginLoaded(LoadedPlugin plugin) {
        if (plugin.classLoader() == own) {
            return;
        }
        plugins.remove(plugin.id());
        plugins.put(plugin.id(), plugin.classLoader());
        order = List.copyOf(plugins.values());
        allowlist.allowPlugin(plugin.id(), classesOf(plugin.directory()));
        found = new ConcurrentHashMap<>();
        LOG.debug("Classes of plugin {} may now travel through the cluster", plugin.id());
    }

    @Override
    public synchronized void pluginUnloading(LoadedPlugin plugin) {
        if (plugins.get(plugin.id()) != plugin.classLoader()) {
            return;
        }
        plugins.remove(plugin.id());
        order = List.copyOf(plugins.values());
        allowlist.forgetPlugin(plugin.id());
        found = new ConcurrentHashMap<>();
    }

    /**
     * The class of this name, for an object read from the cluster. Does not check the allowlist.
     *
     * @param name a binary class name, an array descriptor such as {@code [Lfoo.Bar;}, or a primitive
     * @throws ClassNotFoundException if no class loader knows it
     */
    public Class<?> resolve(String name) throws ClassNotFoundException {
        Class<?> primitive = PRIMITIVES.get(name);
        if (primitive != null) {
            return primitive;
        }
        Map<String, Class<?>> cache = found;
        Class<?> type = cache.get(name);
        if (type == null) {
            type = name.startsWith("[") ? arrayClass(name) : find(name);
            cache.put(name, type);
        }
        return type;
    }

    private Class<?> find(String name) throws ClassNotFoundException {
        try {
            return Class.forName(name, false, own);
        } catch (ClassNotFoundException e) {
            // not a class of the server, of Hazelcast or of this plugin
        }
        for (ClassLoader loader : order) {
            try {
                return loader.loadClass(name);
            } catch (ClassNotFoundException e) {
                // try the next plugin
            }
        }
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        if (context != null && context != own) {
            return context.loadClass(name);
        }
        throw new ClassNotFoundException(name + " is neither a class of the server nor of a loaded plugin");
    }

    private Class<?> arrayClass(String descriptor) throws ClassNotFoundException {
        int dimensions = 0;
        while (descriptor.charAt(dimensions) == '[') {
            dimensions++;
        }
        String element = descriptor.substring(dimensions);
        Class<?> type = switch (element) {
            case "Z" -> boolean.class;
            case "B" -> byte.class;
            case "C" -> char.class;
            case "S" -> short.class;
            case "I" -> int.class;
            case "J" -> long.class;
            case "F" -> float.class;
            case "D" -> double.class;
            default -> {
                if (!element.startsWith("L") || !element.endsWith(";")) {
                    throw new ClassNotFoundException("not an array descriptor: " + descriptor);
                }
                yield find(element.substring(1, element.length() - 1));
            }
        };
        for (int i = 0; i < dimensions; i++) {
            type = type.arrayType();
        }
        return type;
    }

    /**
     * Whether the class is one of the plugin that is being initialized on this thread: the thread's
     * context class loader is then that plugin's loader, not registered yet, and the class is at the
     * root of the plugin's folder (the first entry of its class path).
     */
    public boolean isClassOfPluginBeingLoaded(String className) {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        if (!(context instanceof URLClassLoader loader) || context == own || order.contains(context)
                || context.getName() == null || !context.getName().startsWith("plugin-")) {
            return false;
        }
        URL[] urls = loader.getURLs();
        if (urls.length == 0 || !"file".equals(urls[0].getProtocol())) {
            return false;
        }
        try {
            Path root = Path.of(urls[0].toURI());
            String element = ClassAllowlist.elementClassName(className);
            return element != null && Files.isDirectory(root)
                    && Files.isRegularFile(root.resolve(element.replace('.', '/') + ".class"));
        } catch (URISyntaxException | IllegalArgumentException e) {
            return false;
        }
    }

    /** The binary names of the classes at the root of an unpacked plugin (not those of its libraries). */
    static Set<String> classesOf(Path pluginDirectory) {
        Set<String> classes = new TreeSet<>();
        try (Stream<Path> files = Files.walk(pluginDirectory)) {
            files.filter(file -> file.getFileName().toString().endsWith(".class"))
                    .map(pluginDirectory::relativize)
                    .filter(path -> path.getNameCount() > 1 || !path.toString().equals("module-info.class"))
                    .filter(path -> !Set.of("lib", "META-INF", "web", "i18n").contains(path.getName(0).toString()))
                    .forEach(path -> {
                        String file = path.toString().replace(path.getFileSystem().getSeparator(), ".");
                        classes.add(file.substring(0, file.length() - ".class".length()));
                    });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the classes of the plugin in " + pluginDirectory, e);
        } catch (UncheckedIOException e) {
            LOG.warn("Cannot list every class of the plugin in {}: {}", pluginDirectory, e.getMessage());
        }
        return classes;
    }
}
