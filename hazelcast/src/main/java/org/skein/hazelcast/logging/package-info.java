/**
 * Logging helpers of the plugin: {@link org.skein.hazelcast.logging.RateLimitedLog} keeps a member that
 * sends garbage from flooding the node's log.
 */
package org.skein.hazelcast.logging;
