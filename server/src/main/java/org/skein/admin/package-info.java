/**
 * The admin console: an embedded Jetty with server-rendered Thymeleaf pages (dashboard, clustering
 * switch and node table, caches, users, plugins, and the pages plugins declare), login with an admin
 * account, sessions that expire, CSRF tokens on every form, security headers, and a throttle on
 * wrong passwords.
 */
package org.skein.admin;
