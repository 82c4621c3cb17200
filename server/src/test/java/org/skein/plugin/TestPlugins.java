package org.skein.plugin;

/**
 * Ready-made test plugins. A recording plugin with id {@code alpha} is the class
 * {@code test.alpha.AlphaPlugin}; it records {@code "alpha <version> initialized"} and
 * {@code "alpha <version> destroyed"} in the {@link FakeServerContext}, and leaves in its registry,
 * under {@code alpha.context}, {@code alpha.thread}, {@code alpha.contextClassLoader} and
 * {@code alpha.destroyThread}, what it saw.
 */
final class TestPlugins {

    private TestPlugins() {
    }

    static String className(String id) {
        return "test." + id + "." + Character.toUpperCase(id.charAt(0)) + id.substring(1) + "Plugin";
    }

    /** A recording plugin jar. */
    static PluginJarBuilder recording(String id, String version) {
        return recording(id, version, "");
    }

    /** A recording plugin jar that runs {@code extraInitCode} at the end of initializePlugin. */
    static PluginJarBuilder recording(String id, String version, String extraInitCode) {
        return recording(id, version, extraInitCode, "");
    }

    /** A recording plugin jar with extra code at the end of initializePlugin and destroyPlugin. */
    static PluginJarBuilder recording(String id, String version, String extraInitCode, String extraDestroyCode) {
        String className = className(id);
        String simpleName = className.substring(className.lastIndexOf('.') + 1);
        String source = """
                package test.%1$s;

                import org.skein.plugin.FakeServerContext;
                import org.skein.plugin.Plugin;
                import org.skein.plugin.PluginContext;

                public class %2$s implements Plugin {

                    private FakeServerContext server;

                    @Override
                    public void initializePlugin(PluginContext context) throws Exception {
                        server = (FakeServerContext) context.server();
                        server.registry().put("%1$s.context", context);
                        server.registry().put("%1$s.thread", Thread.currentThread());
                        server.registry().put("%1$s.contextClassLoader", Thread.currentThread().getContextClassLoader());
                        server.record("%1$s %3$s initialized");
                        %4$s
                    }

                    @Override
                    public void destroyPlugin() {
                        server.registry().put("%1$s.destroyThread", Thread.currentThread());
                        server.record("%1$s %3$s destroyed");
                        %5$s
                    }
                }
                """.formatted(id, simpleName, version, extraInitCode, extraDestroyCode);
        return PluginJarBuilder.plugin(className, "Plugin " + id).version(version).javaSource(className, source);
    }
}
