package org.skein.admin;

import java.io.IOException;

/**
 * One page of the console: it answers GET with a rendered template and POSTed actions (already
 * CSRF-checked) with a redirect.
 */
interface AdminPage {

    /**
     * @param subpath the rest of the path after the page's own ({@code /plugin/hazelcast/node} →
     *        {@code hazelcast/node}), or {@code null}; a page without sub-pages answers 404 for one
     */
    void get(AdminExchange exchange, String subpath) throws IOException;

    /**
     * @param action the last part of the POSTed path ({@code /users/create} → {@code create})
     */
    default void post(AdminExchange exchange, String action) throws IOException {
        exchange.error(405, exchange.message("error.method"));
    }
}
