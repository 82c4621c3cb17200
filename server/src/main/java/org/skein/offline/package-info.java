/** Offline messages: kept when no resource of the recipient is available, delivered with a delay stamp at the next login. */
package org.skein.offline;
