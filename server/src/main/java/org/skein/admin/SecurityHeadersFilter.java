package org.skein.admin;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Security headers on every response of the admin console: no framing, no sniffing, no referrer, no
 * caching of pages, and a content security policy that allows only the console's own scripts and
 * styles; over HTTPS, when the console has no plain HTTP port, Strict-Transport-Security.
 */
final class SecurityHeadersFilter implements Filter {

    private final boolean strictTransport;

    /** @param strictTransport whether secure responses ask browsers to use only HTTPS for this host */
    SecurityHeadersFilter(boolean strictTransport) {
        this.strictTransport = strictTransport;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        HttpServletResponse http = (HttpServletResponse) response;
        http.setHeader("Content-Security-Policy",
                "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
        http.setHeader("X-Frame-Options", "DENY");
        http.setHeader("X-Content-Type-Options", "nosniff");
        http.setHeader("Referrer-Policy", "no-referrer");
        http.setHeader("Cache-Control", "no-store");
        if (strictTransport && request.isSecure()) {
            http.setHeader("Strict-Transport-Security", "max-age=31536000");
        }
        chain.doFilter(request, response);
    }
}
