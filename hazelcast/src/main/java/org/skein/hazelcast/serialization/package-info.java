/**
 * How objects cross the cluster: Java serialization through the plugin's own serializer, which
 * resolves classes over the Hazelcast plugin's class loader and every loaded plugin's class loader
 * (refreshed when plugins load and unload, so a reloaded plugin's classes are used at once), and
 * which refuses any class that is not on the deserialization allowlist.
 */
package org.skein.hazelcast.serialization;
