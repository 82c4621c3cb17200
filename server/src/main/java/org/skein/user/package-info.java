/**
 * Accounts: {@link org.skein.user.UserManager} (cached reads, password handling) over a
 * {@link org.skein.user.UserStore}; {@link org.skein.user.AccountListener}s hear of accounts created
 * and deleted, to forget what they cache for them.
 */
package org.skein.user;
