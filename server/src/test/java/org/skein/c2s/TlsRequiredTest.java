package org.skein.c2s;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.Test;

class TlsRequiredTest {

    @Test
    void withTlsRequiredOnlyStartTlsIsOfferedBeforeTlsAndSmackLogsInOverTls() throws Exception {
        try (NodeWithClients env = new NodeWithClients(Map.of("xmpp.tls.required", "true"))) {
            String user = env.newUser();
            try (RawClient raw = new RawClient(env.node.c2sPort())) {
                raw.send(RawClient.header());
                String features = raw.await("</stream:features>");
                assertThat(features).contains("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls>")
                        .doesNotContain("<mechanisms");
                raw.clear();
                raw.authPlain(user, "secret");
                assertThat(raw.await("</failure>", Duration.ofSeconds(10))).contains("<encryption-required/>");
            }
            XMPPTCPConnection connection = env.clients.login(user, "secret", "desk", "SCRAM-SHA-256");
            assertThat(connection.isSecureConnection()).isTrue();
            assertThat(connection.isAuthenticated()).isTrue();
        }
    }

    @Test
    void withoutTlsRequiredPlainIsNotOfferedInTheClear() throws Exception {
        try (NodeWithClients env = new NodeWithClients(Map.of())) {
            try (RawClient raw = new RawClient(env.node.c2sPort())) {
                raw.send(RawClient.header());
                String features = raw.await("</stream:features>");
                assertThat(features).contains("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'></starttls>")
                        .contains("<mechanism>SCRAM-SHA-256</mechanism>").contains("<mechanism>SCRAM-SHA-1</mechanism>")
                        .doesNotContain("<mechanism>PLAIN</mechanism>");
                raw.clear();
                raw.send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGEAYg==</auth>");
                assertThat(raw.await("</failure>")).contains("<invalid-mechanism/>");
            }
        }
    }
}
