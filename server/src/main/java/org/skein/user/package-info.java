/** Accounts: {@link org.skein.user.UserManager} (cached reads, password handling) over a {@link org.skein.user.UserStore}. */
package org.skein.user;
