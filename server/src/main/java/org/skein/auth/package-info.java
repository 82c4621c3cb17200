/** Authentication data: SCRAM credentials (salt, iterations, StoredKey, ServerKey), never clear passwords. */
package org.skein.auth;
