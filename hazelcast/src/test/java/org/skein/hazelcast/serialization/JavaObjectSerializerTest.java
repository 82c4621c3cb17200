package org.skein.hazelcast.serialization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.untrusted.Payload;
import com.hazelcast.config.GlobalSerializerConfig;
import com.hazelcast.config.SerializationConfig;
import com.hazelcast.internal.serialization.Data;
import com.hazelcast.internal.serialization.SerializationService;
import com.hazelcast.internal.serialization.impl.DefaultSerializationServiceBuilder;
import java.io.IOException;

import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.skein.cache.CacheStats;
import org.skein.cluster.NodeID;
import org.skein.plugin.LoadedPlugin;
import org.skein.plugin.Plugin;
import org.skein.plugin.PluginContext;
import org.skein.plugin.PluginDescriptor;
import org.skein.plugin.TestJavaCompiler;

/** Objects through the plugin's serializer: the allowlist, and the classes of plugins as they load, reload and unload. */
class JavaObjectSerializerTest {

    @TempDir
    Path dir;

    private final ClassAllowlist allowlist = new ClassAllowlist();
    private final PluginClassResolver resolver = new PluginClassResolver(getClass().getClassLoader(), allowlist);
    private final RejectedClasses rejected = new RejectedClasses(NodeID.of("test"), Clock.systemUTC());
    private final SerializationService serialization = new DefaultSerializationServiceBuilder()
            .setConfig(new SerializationConfig().setGlobalSerializerConfig(new GlobalSerializerConfig()
                    .setImplementation(new JavaObjectSerializer(resolver, allowlist, rejected)).setOverrideJavaSerialization(true)))
            .build();

    private Object travel(Object value) {
        Data data = serialization.toData(value);
        return serialization.toObject(data);
    }

    @Test
    void skeinAndJdkObjectsTravel() {
        CacheStats stats = new CacheStats("users", NodeID.of("n1"), 1, 2, 3, 4, 5, 6, "hazelcast");
        assertThat(travel(stats)).isEqualTo(stats);
        assertThat(travel(List.of(stats))).isEqualTo(List.of(stats));
        assertThat(travel(Instant.EPOCH)).isEqualTo(Instant.EPOCH);
        assertThat(travel(new String[] {"a"})).isEqualTo(new String[] {"a"});
        assertThat(travel(new int[][] {{1}})).isEqualTo(new int[][] {{1}});
        assertThat((Throwable) travel(new IllegalStateException("boom"))).isInstanceOf(IllegalStateException.class).hasMessage("boom");
        assertThat(rejected.count()).isZero();
    }

    @Test
    void aClassOutsideTheAllowlistIsRefusedAndCounted() {
        assertThatThrownBy(() -> travel(new Payload("x")))
                .hasRootCauseInstanceOf(java.io.InvalidClassException.class)
                .hasStackTraceContaining("com.example.untrusted.Payload")
                .hasStackTraceContaining("allowlist");
        assertThatThrownBy(() -> travel(new ArrayList<>(List.of(new Payload("nested")))));
        assertThatThrownBy(() -> travel(new Payload[] {new Payload("array")}));
        assertThat(rejected.count()).isEqualTo(3);
        assertThat(allowlist.allows("com.example.untrusted.Payload")).isFalse();
        assertThat(allowlist.allows("[Lcom.example.untrusted.Payload;")).isFalse();
        assertThat(allowlist.allows("[[I")).isTrue();
        assertThat(allowlist.allows("org.xmpp.packet.JID")).isTrue();
        assertThat(allowlist.allows("org.apache.commons.collections.functors.InvokerTransformer")).isFalse();
        assertThat(allowlist.allows("javax.management.BadAttributeValueExpException")).isFalse();
        assertThat(allowlist.hazelcastFilterConfig().isDefaultsDisabled()).isTrue();
    }

    @Test
    void objectsOfAPluginAreReadWithTheClassesOfThePluginLoadedNow() throws Exception {
        Path first = compiledPlugin("first");
        Path second = compiledPlugin("second");
        try (URLClassLoader firstLoader = pluginLoader(first); URLClassLoader secondLoader = pluginLoader(second)) {
            LoadedPlugin firstLoad = loaded(first, firstLoader);
            resolver.pluginLoaded(firstLoad);
            Object value = firstLoader.loadClass("thirdparty.Value").getConstructor(String.class).newInstance("v1");
            Data data = serialization.toData(value);

            assertThat(serialization.<Object>toObject(data).getClass().getClassLoader()).isSameAs(firstLoader);
            assertThat(allowlist.pluginClasses()).contains("thirdparty.Value", "thirdparty.Value$Inner");

            resolver.pluginUnloading(firstLoad);
            resolver.pluginLoaded(loaded(second, secondLoader));
            Object reread = serialization.toObject(data);
            assertThat(reread.getClass().getClassLoader()).isSameAs(secondLoader);
            assertThat(reread).hasToString("Value{v1}");

            resolver.pluginUnloading(loaded(second, secondLoader));
            assertThat(allowlist.pluginClasses()).doesNotContain("thirdparty.Value");
            assertThatThrownBy(() -> serialization.toObject(data)).hasStackTraceContaining("thirdparty.Value");

            // while a plugin is being initialized, its own classes are allowed on its thread
            Thread thread = Thread.currentThread();
            ClassLoader previous = thread.getContextClassLoader();
            thread.setContextClassLoader(secondLoader);
            try {
                assertThat(serialization.<Object>toObject(data).getClass().getClassLoader()).isSameAs(secondLoader);
            } finally {
                thread.setContextClassLoader(previous);
            }
        }
    }

    private Path compiledPlugin(String name) throws IOException {
        Path root = dir.resolve(name);
        Map<String, Map<String, byte[]>> classes = TestJavaCompiler.compile(Map.of("thirdparty.Value", """
                package thirdparty;
                public class Value implements java.io.Serializable {
                    private final String text;
                    private final Inner inner = new Inner();
                    public Value(String text) { this.text = text; }
                    @Override public String toString() { return "Value{" + text + "}"; }
                    static class Inner implements java.io.Serializable { }
                }
                """));
        for (Map.Entry<String, byte[]> file : classes.get("thirdparty.Value").entrySet()) {
            Path target = root.resolve(file.getKey());
            Files.createDirectories(target.getParent());
            Files.write(target, file.getValue());
        }
        return root;
    }

    private static URLClassLoader pluginLoader(Path root) throws IOException {
        return new URLClassLoader("plugin-third", new java.net.URL[] {root.toUri().toURL()}, JavaObjectSerializerTest.class.getClassLoader());
    }

    private static LoadedPlugin loaded(Path root, ClassLoader loader) {
        Plugin plugin = new Plugin() {
            @Override
            public void initializePlugin(PluginContext context) {
            }

            @Override
            public void destroyPlugin() {
            }
        };
        return new LoadedPlugin("third", new PluginDescriptor("thirdparty.Main", "Third", "", "", "1", null, List.of()),
                plugin, loader, root, root.resolve("third.jar"), Instant.EPOCH);
    }

}
