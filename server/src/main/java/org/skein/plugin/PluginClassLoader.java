package org.skein.plugin;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The class loader of one loaded plugin: the root of its unpacked jar (its classes and resources)
 * followed by every {@code lib/*.jar}, in name order, with the server's class loader as parent.
 * Loading is parent-first, so a plugin always sees the server's own {@code org.skein} types (a copy
 * bundled in {@code lib/} cannot shadow them). Closed when the plugin is unloaded.
 */
final class PluginClassLoader extends URLClassLoader {

    static {
        ClassLoader.registerAsParallelCapable();
    }

    private PluginClassLoader(String name, URL[] urls, ClassLoader parent) {
        super(name, urls, parent);
    }

    /**
     * @param id the plugin's id, used as the loader's name in stack traces
     * @param pluginDirectory the folder the plugin's jar was unpacked into
     * @param parent the server's class loader
     */
    static PluginClassLoader create(String id, Path pluginDirectory, ClassLoader parent) throws IOException {
        List<URL> urls = new ArrayList<>();
        urls.add(toUrl(pluginDirectory));
        Path lib = pluginDirectory.resolve("lib");
        if (Files.isDirectory(lib)) {
            List<Path> jars = new ArrayList<>();
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(lib, "*.jar")) {
                stream.forEach(jars::add);
            }
            jars.sort(null);
            for (Path jar : jars) {
                urls.add(toUrl(jar));
            }
        }
        return new PluginClassLoader("plugin-" + id, urls.toArray(URL[]::new), parent);
    }

    private static URL toUrl(Path path) throws MalformedURLException {
        // a folder's URI ends with '/', which URLClassLoader needs to treat it as a folder, not a jar
        return path.toUri().toURL();
    }
}
