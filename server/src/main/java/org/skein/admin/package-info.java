/**
 * The admin console: an embedded Jetty with server-rendered Thymeleaf pages (dashboard, clustering
 * switch and node table, caches, users, plugins, and the pages plugins declare), login with an admin
 * account, sessions that expire (none before a login: the login form's token and the device id
 * are cookies, see {@code LoginForms}), CSRF tokens on every form (checked before a body is read),
 * security headers, and the node's {@link org.skein.auth.LoginThrottle}, shared with XMPP logins.
 */
package org.skein.admin;
