package org.skein.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.skein.plugin.PluginManagerFixture.MANUAL;

import ch.qos.logback.classic.spi.ILoggingEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each way a plugin jar can be broken: it is reported with a clear reason and skipped, nothing of it
 * is left behind, and a good plugin beside it loads as usual.
 */
class BrokenPluginTest {

    private static final String BROKEN = "test.broken.BrokenPlugin";

    @TempDir
    Path home;

    private PluginManagerFixture node;
    private LogCapture log;

    @BeforeEach
    void setUp() {
        node = new PluginManagerFixture(home);
        log = LogCapture.of("org.skein.plugin");
    }

    @AfterEach
    void tearDown() {
        node.close();
        log.close();
    }

    static Stream<Arguments> brokenJars() {
        return Stream.of(
                broken("no plugin.xml", "no plugin.xml at the root of the jar",
                        () -> TestPlugins.recording("broken", "1.0").withoutPluginXml().build()),
                broken("malformed plugin.xml", "plugin.xml: cannot be read as XML",
                        () -> descriptorOnly("<plugin><class>" + BROKEN + "</class><name>Broken</name>")),
                broken("no <class>", "plugin.xml: the required element <class> is missing or empty",
                        () -> descriptorOnly("<plugin><name>Broken</name></plugin>")),
                broken("no <name>", "plugin.xml: the required element <name> is missing or empty",
                        () -> descriptorOnly("<plugin><class>" + BROKEN + "</class></plugin>")),
                broken("class not found", "the class test.broken.Missing named in plugin.xml is neither in the jar nor in its lib/*.jar",
                        () -> descriptorOnly("<plugin><class>test.broken.Missing</class><name>Broken</name></plugin>")),
                broken("class not a Plugin", "the class " + BROKEN + " does not implement org.skein.plugin.Plugin",
                        () -> withClass("public class BrokenPlugin { }")),
                broken("no no-argument constructor", "the class " + BROKEN + " has no public no-argument constructor",
                        () -> withClass(pluginClass("public BrokenPlugin(String name) { }", ""))),
                broken("class not public", "the class " + BROKEN + " is not public",
                        () -> withClass(pluginClass("public BrokenPlugin() { }", "").replace("public class", "class"))),
                broken("abstract class", "the class " + BROKEN + " is abstract",
                        () -> withClass("public abstract class BrokenPlugin implements Plugin { }")),
                broken("constructor throws",
                        "the constructor of " + BROKEN + " threw java.lang.IllegalStateException: no constructor today",
                        () -> withClass(pluginClass("public BrokenPlugin() { throw new IllegalStateException(\"no constructor today\"); }", ""))),
                broken("static initializer throws",
                        "the static initializer of " + BROKEN + " threw java.lang.IllegalStateException: no statics today",
                        () -> withClass(pluginClass("static { if (true) { throw new IllegalStateException(\"no statics today\"); } }", ""))),
                broken("initializePlugin throws", "initializePlugin threw java.lang.IllegalStateException: no start today",
                        () -> withClass(pluginClass("", "throw new IllegalStateException(\"no start today\");"))),
                broken("server too old",
                        "the plugin needs server version 99.0 or later (minServerVersion) and this server is 0.1.0-SNAPSHOT",
                        () -> TestPlugins.recording("broken", "1.0").minServerVersion("99.0").build()),
                broken("not a version", "plugin.xml: <minServerVersion> 'latest' is not a version",
                        () -> TestPlugins.recording("broken", "1.0").minServerVersion("latest").build()),
                broken("corrupt jar", "not a valid jar (zip) file", () -> "PK this is not a zip file".getBytes()),
                broken("zip slip", "the jar entry '../../escaped.txt' would be written outside the plugin's folder",
                        () -> TestPlugins.recording("broken", "1.0").file("../../escaped.txt", "escaped").build()),
                broken("absolute entry", "the jar entry '/tmp/skein-escaped.txt' would be written outside the plugin's folder",
                        () -> TestPlugins.recording("broken", "1.0").file("/tmp/skein-escaped.txt", "escaped").build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenJars")
    void aBrokenPluginIsReportedAndSkippedAndTheOthersLoad(String problem, String reason, Supplier<byte[]> jar) throws Exception {
        Files.write(node.jar("broken"), jar.get());
        TestPlugins.recording("good", "1.0").writeTo(node.jar("good"));

        PluginManager manager = node.started(MANUAL);

        assertThat(manager.getFailures()).containsOnlyKeys("broken.jar");
        assertThat(manager.getFailures().get("broken.jar")).contains(reason);
        assertThat(manager.getPlugins()).extracting(LoadedPlugin::id).containsExactly("good");
        assertThat(node.server.events()).containsExactly("good 1.0 initialized");
        assertThat(node.workFolders()).as("nothing left of the broken plugin")
                .containsExactly(manager.getPlugin("good").orElseThrow().directory().getFileName().toString());
        assertThat(log.warnings()).singleElement().satisfies(warning -> {
            assertThat(warning.getFormattedMessage())
                    .isEqualTo("Plugin " + node.jar("broken").toAbsolutePath() + " skipped: " + manager.getFailures().get("broken.jar"));
        });
        assertThat(home.resolve("work/escaped.txt")).doesNotExist();
        assertThat(Path.of("/tmp/skein-escaped.txt")).doesNotExist();
    }

    @Test
    void theClassLoaderOfAPluginWhoseInitializePluginFailedIsClosed() throws Exception {
        TestPlugins.recording("alpha", "1.0", """
                server.registry().put("alpha.loader", getClass().getClassLoader());
                throw new IllegalStateException("no start today");
                """).writeTo(node.jar("alpha"));

        PluginManager manager = node.started(MANUAL);

        ClassLoader loader = (ClassLoader) node.server.registry().get("alpha.loader");
        assertThat(loader.getResource("plugin.xml")).isNull();
        assertThat(manager.getFailures()).containsOnlyKeys("alpha.jar");
    }

    @Test
    void theWarningOfAFailureInPluginCodeCarriesItsStackTrace() throws Exception {
        TestPlugins.recording("alpha", "1.0", "throw new IllegalStateException(\"no start today\");").writeTo(node.jar("alpha"));

        node.started(MANUAL);

        ILoggingEvent warning = log.warnings().get(0);
        assertThat(warning.getThrowableProxy()).isNotNull();
        assertThat(warning.getThrowableProxy().getMessage()).isEqualTo("no start today");
    }

    @Test
    void theWarningOfABadDescriptorHasNoStackTrace() throws Exception {
        Files.write(node.jar("broken"), descriptorOnly("<plugin><name>Broken</name></plugin>"));

        node.started(MANUAL);

        assertThat(log.warnings()).singleElement().satisfies(warning -> assertThat(warning.getThrowableProxy()).isNull());
    }

    private static Arguments broken(String problem, String reason, Supplier<byte[]> jar) {
        return Arguments.of(problem, reason, jar);
    }

    private static byte[] descriptorOnly(String pluginXml) {
        return PluginJarBuilder.library().pluginXml(pluginXml).build();
    }

    private static byte[] withClass(String classBody) {
        String source = "package test.broken;\nimport org.skein.plugin.*;\n" + classBody;
        return PluginJarBuilder.plugin(BROKEN, "Broken").javaSource(BROKEN, source).build();
    }

    private static String pluginClass(String extraMembers, String initializeBody) {
        return """
                public class BrokenPlugin implements Plugin {
                    %s
                    @Override
                    public void initializePlugin(PluginContext context) {
                        %s
                    }
                    @Override
                    public void destroyPlugin() {
                    }
                }
                """.formatted(extraMembers, initializeBody);
    }
}
