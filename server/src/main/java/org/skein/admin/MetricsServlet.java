package org.skein.admin;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;
import org.skein.metrics.NodeMetrics;

/**
 * {@code GET /metrics}: the node's meters in Prometheus' text format, for a scraper. Not behind the
 * console's login (a scraper has no session); with {@code metrics.token} set, only requests with
 * {@code Authorization: Bearer <token>} get an answer.
 */
final class MetricsServlet extends HttpServlet {

    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final transient NodeMetrics metrics;
    private final byte[] expectedAuthorization;

    MetricsServlet(NodeMetrics metrics, String token) {
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.expectedAuthorization = token == null || token.isBlank() ? null : ("Bearer " + token.trim()).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (expectedAuthorization != null) {
            String given = request.getHeader("Authorization");
            if (given == null || !MessageDigest.isEqual(expectedAuthorization, given.getBytes(StandardCharsets.UTF_8))) {
                response.setHeader("WWW-Authenticate", "Bearer realm=\"skein-metrics\"");
                response.sendError(HttpServletResponse.SC_UNAUTHORIZED, "metrics.token is set: send Authorization: Bearer <token>");
                return;
            }
        }
        byte[] body = metrics.scrape().getBytes(StandardCharsets.UTF_8);
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(CONTENT_TYPE);
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
