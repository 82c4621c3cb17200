package org.skein.plugin;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Compiles Java source held in strings, in memory, against the class path of the running test JVM
 * (so test code can refer to the server's types and to test helpers). Needs a JDK, not a bare JRE.
 */
public final class TestJavaCompiler {

    private TestJavaCompiler() {
    }

    /**
     * Compiles the sources together, so they may refer to one another.
     *
     * @param sources binary class name (such as {@code test.alpha.AlphaPlugin}) to source code
     * @return for each source's class name, the class files it produced (nested classes included),
     *     as jar entry name (such as {@code test/alpha/AlphaPlugin.class}) to bytes
     * @throws IllegalStateException if the sources do not compile, with javac's messages
     */
    public static Map<String, Map<String, byte[]>> compile(Map<String, String> sources) {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        if (compiler == null) {
            throw new IllegalStateException("no Java compiler in this runtime: run the tests on a JDK");
        }
        Map<String, Map<String, byte[]>> output = new LinkedHashMap<>();
        List<SourceFile> units = new ArrayList<>();
        sources.forEach((className, code) -> {
            units.add(new SourceFile(className, code));
            output.put(className, new TreeMap<>());
        });
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        List<String> options = List.of(
                "-classpath", System.getProperty("java.class.path"), "--release", "17", "-proc:none");
        try (StandardJavaFileManager standard = compiler.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8);
                ForwardingJavaFileManager<StandardJavaFileManager> inMemory = new ForwardingJavaFileManager<>(standard) {
                    @Override
                    public JavaFileObject getJavaFileForOutput(
                            Location location, String className, JavaFileObject.Kind kind, FileObject sibling) {
                        if (!(sibling instanceof SourceFile source)) {
                            throw new IllegalStateException("javac wrote " + className + " for no known source");
                        }
                        return new ClassFile(className, output.get(source.className));
                    }
                }) {
            boolean compiled = compiler.getTask(null, inMemory, diagnostics, options, null, units).call();
            if (!compiled) {
                throw new IllegalStateException("test sources do not compile:\n" + diagnostics.getDiagnostics().stream()
                        .map(d -> d.getSource() == null ? d.getMessage(Locale.ROOT)
                                : ((SourceFile) d.getSource()).className + ":" + d.getLineNumber() + ": " + d.getMessage(Locale.ROOT))
                        .collect(Collectors.joining("\n")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return output;
    }

    private static final class SourceFile extends SimpleJavaFileObject {

        final String className;
        private final String code;

        SourceFile(String className, String code) {
            super(URI.create("string:///" + className.replace('.', '/') + Kind.SOURCE.extension), Kind.SOURCE);
            this.className = className;
            this.code = code;
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return code;
        }
    }

    private static final class ClassFile extends SimpleJavaFileObject {

        private final String entryName;
        private final Map<String, byte[]> destination;

        ClassFile(String className, Map<String, byte[]> destination) {
            super(URI.create("memory:///" + className.replace('.', '/') + Kind.CLASS.extension), Kind.CLASS);
            this.entryName = className.replace('.', '/') + Kind.CLASS.extension;
            this.destination = destination;
        }

        @Override
        public OutputStream openOutputStream() {
            return new ByteArrayOutputStream() {
                @Override
                public void close() {
                    destination.put(entryName, toByteArray());
                }
            };
        }
    }
}
