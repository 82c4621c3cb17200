package org.skein.plugin;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Builds real plugin jars for tests: Java source is compiled at build time (see
 * {@link TestJavaCompiler}) and written with a {@code plugin.xml}, {@code lib/*.jar} (built the same
 * way) and any other files ({@code web/}, {@code i18n/}, or entries with hostile names). No binary
 * fixtures are kept in the repository.
 *
 * <pre>{@code
 * PluginJarBuilder.plugin("test.alpha.AlphaPlugin", "Alpha")
 *         .version("1.0")
 *         .javaSource("test.alpha.AlphaPlugin", "package test.alpha; public class AlphaPlugin implements ...")
 *         .lib("greeter.jar", PluginJarBuilder.library().javaSource("test.greeter.Greeter", "..."))
 *         .file("i18n/alpha_i18n.properties", "title=Alpha")
 *         .writeTo(pluginsDirectory.resolve("alpha.jar"));
 * }</pre>
 *
 * <p>The sources of a jar and of its libraries are compiled together, so the plugin's code can use
 * the libraries' classes; each class file is then written into the jar of the source it came from.
 */
public final class PluginJarBuilder {

    private final Map<String, String> sources = new LinkedHashMap<>();
    private final Map<String, byte[]> files = new LinkedHashMap<>();
    private final Map<String, PluginJarBuilder> libraries = new LinkedHashMap<>();
    private final String className;
    private final String name;
    private String version = "";
    private String minServerVersion;
    private String rawPluginXml;
    private boolean withPluginXml;

    private PluginJarBuilder(String className, String name, boolean withPluginXml) {
        this.className = className;
        this.name = name;
        this.withPluginXml = withPluginXml;
    }

    /** A plugin jar whose {@code plugin.xml} names this class and display name. */
    public static PluginJarBuilder plugin(String className, String name) {
        return new PluginJarBuilder(Objects.requireNonNull(className), Objects.requireNonNull(name), true);
    }

    /** A plain jar without {@code plugin.xml}, to put in a plugin's {@code lib/}. */
    public static PluginJarBuilder library() {
        return new PluginJarBuilder(null, null, false);
    }

    /** The {@code <version>} of the generated {@code plugin.xml}. */
    public PluginJarBuilder version(String pluginVersion) {
        this.version = pluginVersion;
        return this;
    }

    /** The {@code <minServerVersion>} of the generated {@code plugin.xml}. */
    public PluginJarBuilder minServerVersion(String serverVersion) {
        this.minServerVersion = serverVersion;
        return this;
    }

    /** Writes this text as {@code plugin.xml} instead of the generated one (for broken descriptors). */
    public PluginJarBuilder pluginXml(String xml) {
        this.rawPluginXml = xml;
        this.withPluginXml = true;
        return this;
    }

    /** Leaves {@code plugin.xml} out of the jar. */
    public PluginJarBuilder withoutPluginXml() {
        this.withPluginXml = false;
        return this;
    }

    /** Adds a class, compiled when the jar is built. */
    public PluginJarBuilder javaSource(String binaryClassName, String code) {
        sources.put(binaryClassName, code);
        return this;
    }

    /** Adds a file under this exact entry name (which is not checked: {@code ../x} is allowed, for zip-slip tests). */
    public PluginJarBuilder file(String entryName, String content) {
        return file(entryName, content.getBytes(StandardCharsets.UTF_8));
    }

    public PluginJarBuilder file(String entryName, byte[] content) {
        files.put(entryName, content.clone());
        return this;
    }

    /** Adds {@code lib/<jarFileName>}, built from the given library builder. */
    public PluginJarBuilder lib(String jarFileName, PluginJarBuilder library) {
        libraries.put(jarFileName, library);
        return this;
    }

    /** The {@code plugin.xml} this builder writes, or {@code null} if it writes none. */
    public String pluginXml() {
        if (!withPluginXml) {
            return null;
        }
        if (rawPluginXml != null) {
            return rawPluginXml;
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<plugin>\n"
                + "  <class>" + className + "</class>\n"
                + "  <name>" + name + "</name>\n"
                + "  <version>" + version + "</version>\n"
                + (minServerVersion == null ? "" : "  <minServerVersion>" + minServerVersion + "</minServerVersion>\n")
                + "</plugin>\n";
    }

    /** Compiles the sources and returns the jar's bytes. */
    public byte[] build() {
        Map<String, String> allSources = new LinkedHashMap<>();
        collectSources(allSources);
        return buildWith(allSources.isEmpty() ? Map.of() : TestJavaCompiler.compile(allSources));
    }

    /**
     * Builds the jar and writes it to a temporary file beside the target, then moves it into place in
     * one step, as an operator's {@code mv} would: a plugin manager watching the folder never sees
     * half a jar.
     */
    public Path writeTo(Path jarFile) {
        byte[] jar = build();
        try {
            Path temporary = Files.createTempFile(jarFile.toAbsolutePath().getParent(), ".building-", ".tmp");
            try {
                Files.write(temporary, jar);
                Files.move(temporary, jarFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temporary);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return jarFile;
    }

    private void collectSources(Map<String, String> allSources) {
        sources.forEach((sourceClass, code) -> {
            if (allSources.putIfAbsent(sourceClass, code) != null) {
                throw new IllegalStateException("the class " + sourceClass + " is given twice");
            }
        });
        libraries.values().forEach(library -> library.collectSources(allSources));
    }

    private byte[] buildWith(Map<String, Map<String, byte[]>> compiled) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream jar = new ZipOutputStream(bytes)) {
            String descriptor = pluginXml();
            if (descriptor != null) {
                write(jar, "plugin.xml", descriptor.getBytes(StandardCharsets.UTF_8));
            }
            for (String sourceClass : sources.keySet()) {
                for (Map.Entry<String, byte[]> classFile : compiled.get(sourceClass).entrySet()) {
                    write(jar, classFile.getKey(), classFile.getValue());
                }
            }
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                write(jar, file.getKey(), file.getValue());
            }
            for (Map.Entry<String, PluginJarBuilder> library : libraries.entrySet()) {
                write(jar, "lib/" + library.getKey(), library.getValue().buildWith(compiled));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void write(ZipOutputStream jar, String entryName, byte[] content) throws IOException {
        jar.putNextEntry(new ZipEntry(entryName));
        jar.write(content);
        jar.closeEntry();
    }
}
