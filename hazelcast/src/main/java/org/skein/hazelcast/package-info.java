/**
 * The Hazelcast clustering plugin: {@link org.skein.hazelcast.HazelcastPlugin} is the class named in
 * the plugin's {@code plugin.xml}. It creates the node's {@code conf/hazelcast-local-config.xml} from a
 * template, registers its clustering provider ({@code cluster/HazelcastProvider}, an implementation of
 * the api module's {@code org.skein.cluster.spi}) and its task services with the node's cluster manager,
 * and supplies the data of the cluster node page of the admin console. Its rooms: {@code cluster/} (the
 * member and its parts), {@code cache/} (clustered cache storage), {@code routing/} (the packet router
 * part), {@code config/} and {@code serialization/}.
 */
package org.skein.hazelcast;
