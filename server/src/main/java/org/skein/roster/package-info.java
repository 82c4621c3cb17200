/** Rosters (RFC 6121): items, subscription states, their storage and the roster and subscription logic. */
package org.skein.roster;
