/**
 * Integration tests: nodes that load the packed plugin jar from their plugins folder, as an operator's
 * nodes do. Run by failsafe after {@code package}, with neither the plugin's classes nor Hazelcast on
 * the test class path; the tests reach the plugin only through the server's interfaces. Members bind
 * to 127.0.0.1 on free ports, join by TCP-IP with an explicit member list and a cluster name of
 * their own.
 */
package org.skein.hazelcast.it;
