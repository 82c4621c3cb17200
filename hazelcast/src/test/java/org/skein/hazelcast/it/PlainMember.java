package org.skein.hazelcast.it;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.skein.XmppServer;
import org.skein.hazelcast.cluster.LocalMemberConfig;

/**
 * A plain Hazelcast member, not a Skein node, that joins a test cluster with its name, as a stranger on
 * the cluster's network would. Hazelcast is not on the integration tests' class path (the nodes load it
 * from the packed plugin), so the member is made with the classes of a running node's plugin, by
 * reflection. Closing it shuts down this member only.
 */
final class PlainMember implements AutoCloseable {

    private final Object instance;
    private final Class<?> instanceType;

    /** Starts a member of the fixture's cluster (its name, its member list) on a free port of 127.0.0.1. */
    PlainMember(HazelcastNodes nodes, XmppServer classesFrom, String... nodeNames) throws Exception {
        List<Integer> ports = new ArrayList<>();
        for (String name : nodeNames) {
            ports.add(nodes.port(name));
        }
        String xml = LocalMemberConfig.xml(nodes.clusterName(), HazelcastNodes.freePort(), ports);
        ClassLoader loader = HazelcastNodes.plugin(classesFrom).plugin().getClass().getClassLoader();
        Class<?> builderType = Class.forName("com.hazelcast.config.XmlConfigBuilder", true, loader);
        Class<?> configType = Class.forName("com.hazelcast.config.Config", true, loader);
        Object builder = builderType.getConstructor(InputStream.class)
                .newInstance(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        builderType.getMethod("setProperties", Properties.class).invoke(builder, new Properties());
        Object config = builderType.getMethod("build").invoke(builder);
        configType.getMethod("setInstanceName", String.class).invoke(config, "plain-" + UUID.randomUUID());
        Method property = configType.getMethod("setProperty", String.class, String.class);
        property.invoke(config, "hazelcast.phone.home.enabled", "false");
        property.invoke(config, "hazelcast.shutdownhook.enabled", "false");
        property.invoke(config, "hazelcast.logging.type", "slf4j");
        // bounded like the plugin's own members: Hazelcast's defaults let a graceful shutdown wait 600 s for
        // partitions and an operation retry for minutes; a full run once spent 6 minutes here under load
        property.invoke(config, "hazelcast.graceful.shutdown.max.wait", "30");
        property.invoke(config, "hazelcast.operation.call.timeout.millis", "20000");
        useRawSerializer(loader, configType, config);
        this.instanceType = Class.forName("com.hazelcast.core.HazelcastInstance", true, loader);
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            this.instance = Class.forName("com.hazelcast.core.Hazelcast", true, loader).getMethod("newHazelcastInstance", configType)
                    .invoke(null, config);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /**
     * A global serializer for the plugin's type id that reads and writes plain Java serialization: what a
     * stranger needs to join (the join carries objects of that type) and to read the maps, a few lines of code.
     */
    private static void useRawSerializer(ClassLoader loader, Class<?> configType, Object config) throws Exception {
        Class<?> serializerType = Class.forName("com.hazelcast.nio.serialization.StreamSerializer", true, loader);
        Class<?> input = Class.forName("com.hazelcast.nio.ObjectDataInput", true, loader);
        Class<?> output = Class.forName("com.hazelcast.nio.ObjectDataOutput", true, loader);
        Object serializer = Proxy.newProxyInstance(loader, new Class<?>[] {serializerType}, (proxy, method, args) -> switch (method.getName()) {
            case "getTypeId" -> 0x5E1;
            case "read" -> readJava((byte[]) input.getMethod("readByteArray").invoke(args[0]));
            case "write" -> output.getMethod("writeByteArray", byte[].class).invoke(args[0], writeJava(args[1]));
            case "destroy" -> null;
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            case "toString" -> "raw bytes serializer";
            default -> throw new UnsupportedOperationException(method.getName());
        });
        Class<?> globalType = Class.forName("com.hazelcast.config.GlobalSerializerConfig", true, loader);
        Object global = globalType.getConstructor().newInstance();
        globalType.getMethod("setImplementation", Class.forName("com.hazelcast.nio.serialization.Serializer", true, loader)).invoke(global, serializer);
        globalType.getMethod("setOverrideJavaSerialization", boolean.class).invoke(global, true);
        Object serialization = configType.getMethod("getSerializationConfig").invoke(config);
        serialization.getClass().getMethod("setGlobalSerializerConfig", globalType).invoke(serialization, global);
    }

    /** Plain Java serialization, as the plugin writes it; an object of a class it does not have stays bytes. */
    private static Object readJava(byte[] bytes) {
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new ByteArrayInputStream(bytes))) {
            return in.readObject();
        } catch (java.io.IOException | ClassNotFoundException e) {
            return bytes;
        }
    }

    private static byte[] writeJava(Object object) throws java.io.IOException {
        if (object instanceof byte[] bytes) {
            return bytes;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream stream = new java.io.ObjectOutputStream(out)) {
            stream.writeObject(object);
        }
        return out.toByteArray();
    }

    /** The member's UUID, as the console shows it. */
    String memberId() throws Exception {
        Object cluster = instanceType.getMethod("getCluster").invoke(instance);
        Object local = cluster.getClass().getClassLoader().loadClass("com.hazelcast.cluster.Cluster").getMethod("getLocalMember").invoke(cluster);
        return local.getClass().getClassLoader().loadClass("com.hazelcast.cluster.Member").getMethod("getUuid").invoke(local).toString();
    }

    @Override
    public void close() throws Exception {
        instanceType.getMethod("shutdown").invoke(instance);
    }
}
