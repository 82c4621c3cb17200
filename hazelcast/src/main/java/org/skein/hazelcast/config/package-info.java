/**
 * The plugin's configuration: the keys it reads from the node's {@code conf/skein.properties}
 * ({@link org.skein.hazelcast.config.PluginSettings}), the node's
 * {@code conf/hazelcast-local-config.xml} (network and join, created from a template), the cache
 * configuration the plugin ships, and how they become one Hazelcast {@code Config}.
 */
package org.skein.hazelcast.config;
