package org.skein.hazelcast.serialization;

import com.hazelcast.config.ClassFilter;
import com.hazelcast.config.JavaSerializationFilterConfig;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The classes that may be deserialized from the cluster: Skein's own classes, Hazelcast's, the JDK
 * basics that values, tasks and their exceptions are made of, Tinder's {@code JID}, and the classes
 * of every loaded plugin (the classes at the root of its jar, not the libraries in its {@code lib/}:
 * a library may hold a known gadget chain). Everything else is refused. Thread-safe; the plugin
 * classes change as plugins load and unload.
 */
public final class ClassAllowlist {

    /** Prefixes of class names that are always allowed. */
    static final List<String> BUILT_IN_PREFIXES = List.of(
            "org.skein.",
            "com.hazelcast.",
            "java.lang.",
            "java.util.",
            "java.time.",
            "java.math.",
            "java.net.",
            "java.io.");

    /** Single classes that are always allowed. */
    static final Set<String> BUILT_IN_CLASSES = Set.of("org.xmpp.packet.JID");

    private final Map<String, Set<String>> classesByPlugin = new ConcurrentHashMap<>();
    private final Set<String> pluginClasses = ConcurrentHashMap.newKeySet();
    private final JavaSerializationFilterConfig hazelcastFilter;

    public ClassAllowlist() {
        hazelcastFilter = new JavaSerializationFilterConfig().setDefaultsDisabled(true);
        hazelcastFilter.getWhitelist().addPrefixes(BUILT_IN_PREFIXES.toArray(String[]::new));
        hazelcastFilter.getWhitelist().addClasses(BUILT_IN_CLASSES.toArray(String[]::new));
    }

    /**
     * Whether a class may be deserialized. Array classes are judged by their element class; arrays
     * of primitives are allowed.
     *
     * @param className a binary class name as it appears in a serialized stream
     */
    public boolean allows(String className) {
        String name = elementClassName(className);
        if (name == null) {
            return true;
        }
        if (BUILT_IN_CLASSES.contains(name)) {
            return true;
        }
        for (String prefix : BUILT_IN_PREFIXES) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return pluginClasses.contains(name);
    }

    /** Allows these classes (binary names), for as long as the plugin is loaded. */
    public void allowPlugin(String pluginId, Collection<String> classNames) {
        classesByPlugin.put(pluginId, Set.copyOf(classNames));
        refresh();
    }

    /** Withdraws what {@link #allowPlugin} allowed for the plugin. */
    public void forgetPlugin(String pluginId) {
        if (classesByPlugin.remove(pluginId) != null) {
            refresh();
        }
    }

    /** The classes allowed because loaded plugins hold them, sorted. */
    public Set<String> pluginClasses() {
        return new TreeSet<>(pluginClasses);
    }

    /**
     * The same allowlist for Hazelcast's own Java deserialization filter, with Hazelcast's defaults
     * (which allow any class whose name starts with {@code java}) switched off. The returned object
     * is kept up to date with the plugin classes.
     */
    public JavaSerializationFilterConfig hazelcastFilterConfig() {
        return hazelcastFilter;
    }

    private synchronized void refresh() {
        Set<String> union = new TreeSet<>(BUILT_IN_CLASSES);
        classesByPlugin.values().forEach(union::addAll);
        pluginClasses.addAll(union);
        pluginClasses.retainAll(union);
        ClassFilter whitelist = hazelcastFilter.getWhitelist();
        whitelist.setClasses(union);
    }

    /**
     * The class name of an array's elements ({@code [[Lfoo.Bar;} gives {@code foo.Bar}), the name
     * itself for a non-array, {@code null} for an array of primitives.
     */
    static String elementClassName(String className) {
        int dimensions = 0;
        while (dimensions < className.length() && className.charAt(dimensions) == '[') {
            dimensions++;
        }
        if (dimensions == 0) {
            return className;
        }
        if (className.charAt(dimensions) == 'L' && className.endsWith(";")) {
            return className.substring(dimensions + 1, className.length() - 1);
        }
        return null;
    }
}
