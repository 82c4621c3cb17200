/**
 * The database: {@link org.skein.storage.Database} (HikariCP pool, Flyway migrations; embedded H2 by
 * default, PostgreSQL by configuration) and the JDBC stores of accounts, rosters and offline messages.
 * Every method here blocks on I/O: call it off the network threads.
 */
package org.skein.storage;
