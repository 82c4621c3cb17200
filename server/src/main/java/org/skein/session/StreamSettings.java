package org.skein.session;

import java.util.Objects;

/**
 * What a client stream offers, read once from the configuration.
 *
 * @param domain the XMPP domain ({@code xmpp.domain})
 * @param tlsAvailable whether STARTTLS is offered
 * @param tlsRequired {@code xmpp.tls.required}: no authentication before TLS
 * @param registrationOffered {@code xmpp.register.enabled}: the in-band registration stream feature
 * @param maxAuthFailures failed authentications after which a connection is closed
 */
public record StreamSettings(String domain, boolean tlsAvailable, boolean tlsRequired, boolean registrationOffered,
                             int maxAuthFailures) {

    public StreamSettings {
        Objects.requireNonNull(domain, "domain");
        if (tlsRequired && !tlsAvailable) {
            throw new IllegalArgumentException("TLS cannot be required when it is not available");
        }
        if (maxAuthFailures < 1) {
            throw new IllegalArgumentException("maxAuthFailures must be positive");
        }
    }
}
