/**
 * Metrics for operators: one Micrometer registry per node, exposed in Prometheus' text format at
 * {@code /metrics} on the node's admin port ({@code metrics.enabled}, {@code metrics.token}). The meters read
 * what the node already counts (sessions, stanzas by kind, logins, cluster members and events, caches, JVM);
 * nothing here sits on the stanza path beyond the counters themselves. See {@code docs/metrics.md}.
 */
package org.skein.metrics;
