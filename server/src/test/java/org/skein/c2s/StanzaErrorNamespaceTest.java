package org.skein.c2s;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.filter.StanzaIdFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;

/**
 * Issue 12 item 7 and issue 13 item 3, from outside: every stanza error the server generates carries
 * {@code <error>} in the stream's namespace ({@code jabber:client}), never {@code <error xmlns="">},
 * with its condition in {@code urn:ietf:params:xml:ns:xmpp-stanzas}, so clients can read it.
 */
class StanzaErrorNamespaceTest {

    private static final String STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas";

    static NodeWithClients env;
    static String alice;
    static String bob;

    @BeforeAll
    static void start() throws Exception {
        env = new NodeWithClients(Map.of("xmpp.sasl.plain.allowUnencrypted", "true", "offline.maxPerUser", "1"));
        alice = env.newUser();
        bob = env.newUser();
    }

    @AfterAll
    static void stop() throws Exception {
        env.close();
    }

    /** Sends a stanza and returns the error stanza that comes back (everything up to its end tag). */
    private static String errorFor(RawClient client, String stanza, String id, String endTag) throws Exception {
        client.clear();
        client.send(stanza);
        String seen = client.await("id=\"" + id + "\"", Duration.ofSeconds(20));
        seen = client.await(endTag);
        int start = seen.indexOf("id=\"" + id + "\"");
        String error = seen.substring(seen.lastIndexOf('<', start), seen.indexOf(endTag, start) + endTag.length());
        assertThat(error).contains("type=\"error\"").doesNotContain("xmlns=\"\"");
        assertThat(error).containsPattern("<error( [a-z]+=\"[^\"]*\")*>");
        return error;
    }

    @Test
    void bouncesFromAFullOfflineStoreUnknownUsersOtherDomainsAndGroupchatAreReadable() throws Exception {
        try (RawClient client = new RawClient(env.node.c2sPort())) {
            client.login(alice, "secret", "desk");
            client.send("<message to='" + env.jid(bob) + "' type='chat' id='kept'><body>1</body></message>");
            String full = errorFor(client, "<message to='" + env.jid(bob) + "' type='chat' id='quota'><body>2</body></message>",
                    "quota", "</message>");
            assertThat(full).contains("<service-unavailable xmlns=\"" + STANZAS + "\"/>");

            String unknown = errorFor(client, "<message to='nobody-here@" + env.node.xmppDomain() + "' type='chat' id='unknown'><body>x</body></message>",
                    "unknown", "</message>");
            assertThat(unknown).contains("<service-unavailable xmlns=\"" + STANZAS + "\"/>");

            String remote = errorFor(client, "<message to='someone@elsewhere.example' id='remote'><body>x</body></message>",
                    "remote", "</message>");
            assertThat(remote).contains("<remote-server-not-found xmlns=\"" + STANZAS + "\"/>");

            String groupchat = errorFor(client, "<message to='" + env.jid(bob) + "/x' type='groupchat' id='gc'><body>x</body></message>",
                    "gc", "</message>");
            assertThat(groupchat).contains("<service-unavailable xmlns=\"" + STANZAS + "\"/>");

            String malformed = errorFor(client, "<message to='a@b@c' id='jid'><body>x</body></message>", "jid", "</message>");
            assertThat(malformed).contains("<jid-malformed xmlns=\"" + STANZAS + "\"/>");

            String presence = errorFor(client, "<presence to='someone@elsewhere.example' id='pres'/>", "pres", "</presence>");
            assertThat(presence).contains("<remote-server-not-found xmlns=\"" + STANZAS + "\"/>");

            String iq = errorFor(client, "<iq type='get' id='iq1' to='" + env.node.xmppDomain() + "'><query xmlns='urn:example:unknown'/></iq>",
                    "iq1", "</iq>");
            assertThat(iq).contains("<service-unavailable xmlns=\"" + STANZAS + "\"/>");
        }
    }

    @Test
    void aClientLibraryReadsTheConditionOfABounce() throws Exception {
        XMPPTCPConnection connection = env.clients.login(alice, "secret", "smack");
        Message message = connection.getStanzaFactory().buildMessageStanza()
                .to(JidCreate.entityBareFrom("missing-user@" + env.node.xmppDomain())).ofType(Message.Type.chat)
                .setBody("anyone?").build();
        try (StanzaCollector collector = connection.createStanzaCollector(new StanzaIdFilter(message.getStanzaId()))) {
            connection.sendStanza(message);
            Message bounce = collector.nextResult(10_000);
            assertThat(bounce).as("the bounce").isNotNull();
            assertThat(bounce.getType()).isEqualTo(Message.Type.error);
            assertThat(bounce.getError().getCondition()).isEqualTo(StanzaError.Condition.service_unavailable);
        }
    }
}
