/**
 * A node's configuration: {@code conf/skein.properties} in the node's home, with typed getters whose
 * errors name the file, the key and what was expected, and in-place persistence of changed keys.
 */
package org.skein.config;
