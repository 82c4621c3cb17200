/**
 * Offline messages: kept when no resource of the recipient is available, delivered with a delay stamp,
 * a page at a time, at the next login (initial presence with a non-negative priority). Live messages
 * for the new session wait behind them (the session's {@link org.skein.session.MessageHold}): no live
 * message overtakes a stored one.
 */
package org.skein.offline;
