package org.skein.c2s;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, item 9, from outside: a roster holds at most {@code roster.maxItems} items (3 here). One
 * more is refused with a stanza error the client can read, nothing is stored, and existing items can
 * still be changed and removed.
 */
class RosterLimitTest {

    static NodeWithClients env;

    @BeforeAll
    static void start() throws Exception {
        env = new NodeWithClients(Map.of("xmpp.sasl.plain.allowUnencrypted", "true", "roster.maxItems", "3"));
    }

    @AfterAll
    static void stop() throws Exception {
        env.close();
    }

    private static String set(RawClient client, String id, String jid, String extra) throws Exception {
        client.clear();
        client.send("<iq type='set' id='" + id + "'><query xmlns='jabber:iq:roster'><item jid='" + jid + "'" + extra
                + "/></query></iq>");
        String seen = client.await("id=\"" + id + "\"");
        return seen.substring(seen.lastIndexOf('<', seen.indexOf("id=\"" + id + "\"")));
    }

    @Test
    void aFullRosterRefusesANewItemButKeepsItsItems() throws Exception {
        String user = env.newUser();
        try (RawClient client = new RawClient(env.node.c2sPort())) {
            client.login(user, "secret", "r");
            for (int i = 1; i <= 3; i++) {
                assertThat(set(client, "add" + i, "friend" + i + "@example.net", "")).contains("type=\"result\"");
            }
            String refused = set(client, "add4", "friend4@example.net", "");
            client.await("</iq>");
            assertThat(client.received()).contains("type=\"error\"").contains("<not-allowed xmlns=\"urn:ietf:params:xml:ns:xmpp-stanzas\"/>")
                    .contains("maximum of 3 items").doesNotContain("xmlns=\"\"");
            assertThat(refused).contains("type=\"error\"");
            assertThat(env.node.rosterManager().getRoster(user).items()).hasSize(3);

            assertThat(set(client, "rename", "friend1@example.net", " name='Friend One'")).contains("type=\"result\"");
            assertThat(set(client, "remove", "friend2@example.net", " subscription='remove'")).contains("type=\"result\"");
            assertThat(set(client, "add5", "friend5@example.net", "")).contains("type=\"result\"");
        }
    }

    @Test
    void aSubscriptionRequestThatWouldOverfillARosterIsAnsweredWithAnError() throws Exception {
        String full = env.newUser();
        String asker = env.newUser();
        try (RawClient client = new RawClient(env.node.c2sPort()); RawClient other = new RawClient(env.node.c2sPort())) {
            client.login(full, "secret", "r");
            client.send("<presence/>");
            for (int i = 1; i <= 3; i++) {
                assertThat(set(client, "f" + i, "pal" + i + "@example.net", "")).contains("type=\"result\"");
            }
            // the full user asks a new contact for a subscription: refused, the roster unchanged
            client.clear();
            client.send("<presence to='" + env.jid(asker) + "' type='subscribe' id='sub1'/>");
            String own = client.await("</presence>");
            assertThat(own).contains("type=\"error\"").contains("<not-allowed xmlns=\"urn:ietf:params:xml:ns:xmpp-stanzas\"/>");
            assertThat(env.node.rosterManager().getRoster(full).items()).hasSize(3);

            // someone asks the full user: the request cannot be kept, its sender hears so at once
            other.login(asker, "secret", "o");
            other.send("<presence/>");
            other.clear();
            other.send("<presence to='" + env.jid(full) + "' type='subscribe' id='sub2'/>");
            String answer = other.await("id=\"sub2\"");
            answer = other.await("</presence>");
            assertThat(answer).contains("type=\"error\"").contains("<resource-constraint xmlns=\"urn:ietf:params:xml:ns:xmpp-stanzas\"/>");
            assertThat(env.node.rosterManager().getRoster(full).items()).hasSize(3);
        }
    }
}
