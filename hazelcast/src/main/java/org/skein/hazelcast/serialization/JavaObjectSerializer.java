package org.skein.hazelcast.serialization;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.HazelcastSerializationException;
import com.hazelcast.nio.serialization.StreamSerializer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.util.Objects;

/**
 * Hazelcast's global serializer for every {@link java.io.Serializable} and
 * {@link java.io.Externalizable} object (cache keys and values, cluster tasks, their results and
 * exceptions), in place of Hazelcast's own Java serialization. It writes plain Java serialization
 * and reads it back with classes found by the {@link PluginClassResolver}, after checking each class
 * name against the {@link ClassAllowlist}: a class outside it is refused before it is loaded, and the
 * refusal is logged by {@link RejectedClasses}.
 *
 * <p>Hazelcast's own class caches are keyed by class loader and would keep handing out the classes
 * of a plugin that has since been reloaded; going through the resolver avoids them.
 */
public final class JavaObjectSerializer implements StreamSerializer<Object> {

    /** The type id Hazelcast writes in front of the objects this serializer writes. */
    public static final int TYPE_ID = 0x5E1;

    private final PluginClassResolver resolver;
    private final ClassAllowlist allowlist;
    private final RejectedClasses rejected;

    public JavaObjectSerializer(PluginClassResolver resolver, ClassAllowlist allowlist, RejectedClasses rejected) {
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.allowlist = Objects.requireNonNull(allowlist, "allowlist");
        this.rejected = Objects.requireNonNull(rejected, "rejected");
    }

    @Override
    public int getTypeId() {
        return TYPE_ID;
    }

    @Override
    public void write(ObjectDataOutput out, Object object) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (ObjectOutputStream stream = new ObjectOutputStream(bytes)) {
            stream.writeObject(object);
        }
        out.writeByteArray(bytes.toByteArray());
    }

    @Override
    public Object read(ObjectDataInput in) throws IOException {
        byte[] bytes = in.readByteArray();
        try (ObjectInputStream stream = new AllowlistInputStream(new ByteArrayInputStream(bytes))) {
            return stream.readObject();
        } catch (ClassNotFoundException e) {
            throw new HazelcastSerializationException("an object from the cluster has a class that no plugin on this node "
                    + "provides: " + e.getMessage(), e);
        }
    }

    /** Reads Java serialization, refusing classes outside the allowlist and finding the others through the resolver. */
    private final class AllowlistInputStream extends ObjectInputStream {

        AllowlistInputStream(InputStream in) throws IOException {
            super(in);
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass description) throws IOException, ClassNotFoundException {
            String name = description.getName();
            if (!allowlist.allows(name) && !resolver.isClassOfPluginBeingLoaded(name)) {
                rejected.record(name);
                throw new InvalidClassException(name, "refused: not on the allowlist of classes that may be "
                        + "deserialized from the cluster (see the Hazelcast plugin's readme)");
            }
            return resolver.resolve(name);
        }

        @Override
        protected Class<?> resolveProxyClass(String[] interfaces) throws IOException {
            String names = String.join(",", interfaces);
            rejected.record("proxy[" + names + "]");
            throw new InvalidClassException("proxy[" + names + "]", "refused: dynamic proxies are never deserialized from the cluster");
        }
    }
}
