/**
 * The Hazelcast clustering plugin: {@link org.skein.hazelcast.HazelcastPlugin} is the class named in
 * the plugin's {@code plugin.xml}. It registers the clustered cache strategy with the node, creates
 * the node's {@code conf/hazelcast-local-config.xml} from a template, and supplies the data of the
 * cluster node page of the admin console.
 */
package org.skein.hazelcast;
