package org.skein.c2s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.skein.iq.IqRequestException;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;

/**
 * Entity capabilities as the server learns them: it asks a client about a hash nobody knows, shares
 * the features of a hash that verifies with every later client, and keeps the features of one that
 * does not verify to the client that sent them. And the server's own requests: answered, unanswered,
 * answered by someone else.
 */
class EntityCapabilitiesTest {

    private static final Pattern QUESTION = Pattern.compile("<iq[^>]*id=\"(skein:[^\"]+)\"[^>]*>\\s*<query xmlns=\"http://jabber.org/protocol/disco#info\" node=\"([^\"]+)\"");

    @Test
    void aVerifiedHashIsAskedAboutOnceAndSharedAndAFalseOneStaysWithItsSession() throws Exception {
        try (NodeWithClients env = new NodeWithClients(Map.of("xmpp.sasl.plain.allowUnencrypted", "true"))) {
            String alice = env.newUser();
            String features = "<identity category='client' type='pc' name='Test'/>"
                    + "<feature var='http://jabber.org/protocol/caps'/><feature var='urn:skein:test+notify'/>";
            String ver = ver("client/pc//Test<http://jabber.org/protocol/caps<urn:skein:test+notify<");

            try (RawClient first = new RawClient(env.node.c2sPort()); RawClient second = new RawClient(env.node.c2sPort());
                 RawClient liar = new RawClient(env.node.c2sPort())) {
                first.login(alice, "secret", "first");
                first.send("<presence><c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='urn:skein' ver='" + ver + "'/></presence>");
                String question = first.await("disco#info", Duration.ofSeconds(10));
                Matcher m = QUESTION.matcher(question);
                assertThat(m.find()).as(question).isTrue();
                assertThat(m.group(2)).isEqualTo("urn:skein#" + ver);
                first.send("<iq type='result' to='localhost' id='" + m.group(1) + "'><query xmlns='http://jabber.org/protocol/disco#info' node='"
                        + m.group(2) + "'>" + features + "</query></iq>");
                JID firstJid = new JID(alice + "@localhost/first");
                await().atMost(ClusterFixtures.WAIT).until(() -> env.node.entityCapabilities().features(firstJid).contains("urn:skein:test+notify"));
                assertThat(env.node.entityCapabilities().verified("sha-1", ver)).isPresent();

                second.login(alice, "secret", "second");
                second.send("<presence><c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='urn:skein' ver='" + ver + "'/></presence>");
                JID secondJid = new JID(alice + "@localhost/second");
                await().atMost(ClusterFixtures.WAIT).until(() -> env.node.entityCapabilities().features(secondJid).contains("urn:skein:test+notify"));
                second.send("<iq type='get' id='p1'><ping xmlns='urn:xmpp:ping'/></iq>");
                second.await("id=\"p1\"", Duration.ofSeconds(10));
                assertThat(second.received()).as("a known hash is not asked about").doesNotContain("disco#info");

                liar.login(alice, "secret", "liar");
                liar.send("<presence><c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='urn:skein' ver='bogus='/></presence>");
                Matcher lie = QUESTION.matcher(liar.await("disco#info", Duration.ofSeconds(10)));
                assertThat(lie.find()).isTrue();
                liar.send("<iq type='result' to='localhost' id='" + lie.group(1) + "'><query xmlns='http://jabber.org/protocol/disco#info'>"
                        + "<feature var='urn:skein:other+notify'/></query></iq>");
                // the hash does not match: the server asks again, for this session only
                int firstQuestionEnd = lie.end();
                await().atMost(ClusterFixtures.WAIT).until(() -> QUESTION.matcher(liar.poll().substring(firstQuestionEnd)).find());
                Matcher again = QUESTION.matcher(liar.received().substring(firstQuestionEnd));
                assertThat(again.find()).isTrue();
                liar.send("<iq type='result' to='localhost' id='" + again.group(1) + "'><query xmlns='http://jabber.org/protocol/disco#info'>"
                        + "<feature var='urn:skein:other+notify'/></query></iq>");
                JID liarJid = new JID(alice + "@localhost/liar");
                await().atMost(ClusterFixtures.WAIT).until(() -> env.node.entityCapabilities().features(liarJid).contains("urn:skein:other+notify"));
                assertThat(env.node.entityCapabilities().verified("sha-1", "bogus=")).isEmpty();
            }
        }
    }

    @Test
    void theServersRequestsGetTheirAnswerOrTimeOutAndOthersCannotAnswerForTheClient() throws Exception {
        try (NodeWithClients env = new NodeWithClients(Map.of("xmpp.sasl.plain.allowUnencrypted", "true"))) {
            String alice = env.newUser();
            String bob = env.newUser();
            env.clients.login(alice, "secret", "phone");
            JID phone = new JID(alice + "@localhost/phone");
            IQ version = new IQ(IQ.Type.get);
            version.setTo(phone);
            version.setChildElement("query", "http://jabber.org/protocol/disco#info");
            IQ answer = env.node.iqRouter().requests().send(version, Duration.ofSeconds(10)).get();
            assertThat(answer.getType()).isEqualTo(IQ.Type.result);
            assertThat(answer.getFrom()).isEqualTo(phone);

            IQ nobody = version.createCopy();
            nobody.setTo(new JID(alice + "@localhost/nowhere"));
            CompletableFuture<IQ> unreachable = env.node.iqRouter().requests().send(nobody, Duration.ofSeconds(10));
            assertThat(unreachable).failsWithin(Duration.ofSeconds(10)).withThrowableOfType(ExecutionException.class)
                    .withCauseInstanceOf(IqRequestException.class);

            try (RawClient silent = new RawClient(env.node.c2sPort()); RawClient spoofer = new RawClient(env.node.c2sPort())) {
                silent.login(alice, "secret", "silent");
                spoofer.login(bob, "secret", "spoofer");
                IQ question = version.createCopy();
                question.setTo(new JID(alice + "@localhost/silent"));
                CompletableFuture<IQ> pending = env.node.iqRouter().requests().send(question, Duration.ofSeconds(2));
                Matcher m = Pattern.compile("id=\"(skein:[^\"]+)\"").matcher(silent.await("disco#info", Duration.ofSeconds(10)));
                assertThat(m.find()).isTrue();
                spoofer.send("<iq type='result' to='localhost' id='" + m.group(1) + "'/>");
                spoofer.send("<iq type='get' id='p1'><ping xmlns='urn:xmpp:ping'/></iq>");
                spoofer.await("id=\"p1\"", Duration.ofSeconds(10));
                assertThat(pending).as("answered by another client").isNotDone();
                assertThat(pending).failsWithin(Duration.ofSeconds(10)).withThrowableOfType(ExecutionException.class)
                        .withCauseInstanceOf(TimeoutException.class);
                assertThat(env.node.iqRouter().requests().pendingCount()).isZero();
            }
        }
    }

    private static String ver(String input) throws Exception {
        return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1").digest(input.getBytes(StandardCharsets.UTF_8)));
    }
}
