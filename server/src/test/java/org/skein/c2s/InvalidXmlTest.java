package org.skein.c2s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, items 4 and 12, from outside: bytes that are not UTF-8, characters XML forbids, stanzas
 * nested too deeply or with too many attributes. Each closes the sender's stream with a stream error,
 * nothing of it reaches the recipient (online or offline), and the node goes on serving. The node
 * runs with the default stanza limits (256 KiB, 64 levels, 64 attributes).
 */
class InvalidXmlTest {

    static NodeWithClients env;
    static String sender;
    static String recipient;

    @BeforeAll
    static void start() throws Exception {
        env = new NodeWithClients(Map.of("xmpp.sasl.plain.allowUnencrypted", "true"));
        sender = env.newUser();
        recipient = env.newUser();
    }

    @AfterAll
    static void stop() throws Exception {
        env.close();
    }

    @AfterEach
    void theNodeStillServesANewClient() throws Exception {
        try (RawClient client = new RawClient(env.node.c2sPort())) {
            client.login(sender, "secret", "check");
            client.send("<iq type='get' id='p1'><ping xmlns='urn:xmpp:ping'/></iq>");
            assertThat(client.await("id=\"p1\"")).contains("type=\"result\"").doesNotContain("stream:error");
        }
    }

    private static byte[] message(String to, String before, int[] raw, String after) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("<message to='" + to + "' type='chat' id='bad'><body>" + before).getBytes(StandardCharsets.UTF_8));
        for (int b : raw) {
            out.write(b);
        }
        out.writeBytes((after + "</body></message>").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    /** Sends the stanza from a logged-in sender to an online recipient; returns what the sender saw until its stream closed. */
    private static String sendToOnlineRecipient(byte[] stanza) throws Exception {
        try (RawClient from = new RawClient(env.node.c2sPort()); RawClient to = new RawClient(env.node.c2sPort())) {
            to.login(recipient, "secret", "phone");
            to.send("<presence/>");
            from.login(sender, "secret", "desk");
            from.send(stanza);
            String seen = from.awaitClose(Duration.ofSeconds(20));
            // everything sent to the recipient before its pong has arrived by then
            to.send("<iq type='get' id='after'><ping xmlns='urn:xmpp:ping'/></iq>");
            String got = to.await("id=\"after\"");
            assertThat(got).doesNotContain("id=\"bad\"").doesNotContain("&#0;").doesNotContain("\u0000");
            assertThat(to.isOpen()).isTrue();
            return seen;
        }
    }

    @Test
    void overlongUtf8ForANulCharacterIsNotWellFormedAndNeverForwarded() throws Exception {
        String seen = sendToOnlineRecipient(message(env.jid(recipient) + "/phone", "a", new int[] {0xC0, 0x80}, "b"));
        assertThat(seen).contains(RawClient.streamError("not-well-formed")).contains("UTF-8").endsWith("</stream:stream>");
    }

    @Test
    void overlongUtf8ForALessThanSignIsNotWellFormed() throws Exception {
        String seen = sendToOnlineRecipient(message(env.jid(recipient), "", new int[] {0xC0, 0xBC, 'x', '/', '>'}, ""));
        assertThat(seen).contains(RawClient.streamError("not-well-formed"));
    }

    @Test
    void codePointsBeyondUnicodeAreNotWellFormed() throws Exception {
        String seen = sendToOnlineRecipient(message(env.jid(recipient), "", new int[] {0xF4, 0x90, 0x80, 0x80}, ""));
        assertThat(seen).contains(RawClient.streamError("not-well-formed"));
    }

    @Test
    void characterReferencesXmlForbidsAreNotWellFormed() throws Exception {
        for (String reference : new String[] {"&#0;", "&#x1;", "&#xFFFE;"}) {
            String seen = sendToOnlineRecipient(message(env.jid(recipient), reference, new int[0], ""));
            assertThat(seen).as(reference).contains(RawClient.streamError("not-well-formed"));
        }
    }

    @Test
    void rawControlCharactersAreNotWellFormed() throws Exception {
        String seen = sendToOnlineRecipient(message(env.jid(recipient), "", new int[] {0x01}, ""));
        assertThat(seen).contains(RawClient.streamError("not-well-formed"));
    }

    @Test
    void thirtyThousandNestedElementsArePolicyViolation() throws Exception {
        String nested = "<message to='" + env.jid(recipient) + "/phone' id='bad'>" + "<x>".repeat(30_000) + "</x>".repeat(30_000)
                + "</message>";
        String seen = sendToOnlineRecipient(nested.getBytes(StandardCharsets.UTF_8));
        assertThat(seen).contains(RawClient.streamError("policy-violation")).contains("nested deeper than 64");
    }

    @Test
    void twentyThousandAttributesArePolicyViolationAndNothingIsStoredOffline() throws Exception {
        StringBuilder stanza = new StringBuilder("<message to='" + env.jid(recipient) + "' type='chat' id='bad'");
        for (int i = 0; i < 20_000; i++) {
            stanza.append(" a").append(i).append("=''");
        }
        stanza.append("><body>many</body></message>");
        int storedBefore = env.node.offlineMessageManager().count(recipient);
        try (RawClient from = new RawClient(env.node.c2sPort())) {
            from.login(sender, "secret", "desk");
            from.send(stanza.toString());
            assertThat(from.awaitClose(Duration.ofSeconds(20))).contains(RawClient.streamError("policy-violation"))
                    .contains("more than 64 attributes");
        }
        assertThat(env.node.offlineMessageManager().count(recipient)).isEqualTo(storedBefore);
    }

    @Test
    void sixtyFourLevelsAndSixtyFourAttributesStillPass() throws Exception {
        StringBuilder attributes = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            attributes.append(" a").append(i).append("='").append(i).append('\'');
        }
        String stanza = "<message to='" + env.jid(recipient) + "/phone' type='chat' id='deep'" + attributes + ">"
                + "<x xmlns='urn:example'>".repeat(63) + "</x>".repeat(63) + "</message>";
        try (RawClient from = new RawClient(env.node.c2sPort()); RawClient to = new RawClient(env.node.c2sPort())) {
            to.login(recipient, "secret", "phone");
            to.send("<presence/>");
            from.login(sender, "secret", "desk");
            from.send(stanza);
            assertThat(to.await("id=\"deep\"")).contains("a59=\"59\"");
            assertThat(from.isOpen()).isTrue();
        }
    }
}
