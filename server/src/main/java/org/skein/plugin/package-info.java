/**
 * Plugins: code that a node loads from jars dropped into its {@code plugins/} folder, in the manner
 * of Openfire's plugins.
 *
 * <ul>
 *   <li>A plugin jar holds a {@code plugin.xml} at its root ({@link org.skein.plugin.PluginDescriptor}:
 *       the plugin class, name, version, {@code minServerVersion}, admin console pages), its classes,
 *       and optionally {@code lib/*.jar}, {@code web/} and {@code i18n/}.</li>
 *   <li>The plugin class implements {@link org.skein.plugin.Plugin}; it is started with a
 *       {@link org.skein.plugin.PluginContext} that gives it the node's services, its folder and its
 *       class loader, and stopped when its jar is removed or replaced or the node stops.</li>
 *   <li>Each plugin gets its own class loader over its unpacked jar and {@code lib/*.jar}, with the
 *       server's loader as parent, closed when the plugin is unloaded.</li>
 *   <li>{@link org.skein.plugin.PluginManager}, one per node, loads the jars at start, watches the
 *       folder (loading, unloading and reloading plugins as jars come, go and change), reports broken
 *       plugins without stopping the node, and offers install, delete and reload to the admin console.
 *       {@link org.skein.plugin.PluginListener}s hear of each plugin loaded and unloaded.</li>
 * </ul>
 *
 * <p>A plugin compiles against two modules: {@code skein-api} (the clustering core: caches, cluster events
 * and tasks, {@code org.skein.clustering.ClusterManager}, and the SPI a clustering plugin implements) and
 * {@code skein-server} ({@link org.skein.ServerContext} and the node's services). Every registration it
 * makes with the node returns a {@code Registration} to close in {@link org.skein.plugin.Plugin#destroyPlugin};
 * {@code examples/cluster-events} shows one.
 */
package org.skein.plugin;
