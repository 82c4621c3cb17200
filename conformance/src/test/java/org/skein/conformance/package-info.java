/**
 * Conformance: Smack's integration test suite (SINT 4.5.0-beta5) run in-process against real Skein
 * nodes, once on one node and once across three clustered nodes behind a round-robin front
 * ({@link org.skein.conformance.RoundRobinForwarder}). {@link org.skein.conformance.SintIT} runs both,
 * checks the results against the expectations file ({@code conformance/sint-expected-failures.properties})
 * and writes {@code target/sint-report.md}. Smack 4.5 lives only in this module.
 */
package org.skein.conformance;
