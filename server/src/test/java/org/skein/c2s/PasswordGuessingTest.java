package org.skein.c2s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.skein.XmppServer;
import org.skein.testing.TestNodes;

/**
 * Issue 12, items 5 and 6, from outside with raw sockets on several 127.0.0.x addresses. The node
 * delays throttled answers by an hour, so in this test "delayed" means "no answer at all": each check
 * that an attempt got no answer is made after another client has completed a whole login, which it
 * could not have done if the node were not answering at once.
 */
class PasswordGuessingTest {

    static NodeWithClients env;

    @BeforeAll
    static void start() throws Exception {
        env = new NodeWithClients(Map.of("xmpp.sasl.plain.allowUnencrypted", "true", "xmpp.sasl.failureDelay", "1h",
                "xmpp.sasl.failureDelayMax", "1h", "xmpp.sasl.maxConcurrentAttempts", "2", "xmpp.c2s.loginTimeout", "-1"));
    }

    @AfterAll
    static void stop() throws Exception {
        env.close();
    }

    private static InetAddress address(int third, int last) throws IOException {
        return InetAddress.getByAddress(new byte[] {127, 0, (byte) third, (byte) last});
    }

    private static RawClient opened(InetAddress from) throws IOException {
        RawClient client = new RawClient(env.node.c2sPort(), from);
        client.send(RawClient.header());
        client.await("</stream:features>");
        client.clear();
        return client;
    }

    /** A complete login of a fresh user from a fresh address: what the node answers at once. */
    private static void someoneElseLogsIn(int last) throws Exception {
        String user = env.newUser();
        try (RawClient other = new RawClient(env.node.c2sPort(), address(9, last))) {
            other.login(user, "secret", "other");
            other.send("<iq type='get' id='ref'><ping xmlns='urn:xmpp:ping'/></iq>");
            other.await("id=\"ref\"");
        }
    }

    private static void assertNoAnswer(RawClient client) throws IOException {
        assertThat(client.isOpen()).isTrue();
        assertThat(client.received()).doesNotContain("<success").doesNotContain("<failure");
    }

    @Test
    void theRightPasswordIsAnsweredNoSoonerThanAWrongOne() throws Exception {
        String victim = env.newUser();
        try (RawClient attacker = opened(address(1, 1))) {
            for (int i = 1; i <= 2; i++) {
                attacker.authPlain(victim, "guess-" + i);
                assertThat(attacker.await("</failure>")).contains("<not-authorized/>"); // the first two attempts are free
                attacker.clear();
            }
            attacker.authPlain(victim, "secret"); // the right one: it waits like a wrong one would
            someoneElseLogsIn(1);
            assertNoAnswer(attacker);
        }
    }

    @Test
    void attemptsCountWhenTheyStartSoGivingUpEarlyDoesNotHelp() throws Exception {
        String victim = env.newUser();
        for (int i = 0; i < 3; i++) {
            try (RawClient quitter = opened(address(1, 2))) {
                // SCRAM's first message names the account: the attempt has started; then the client hangs up
                String first = "n,,n=" + victim + ",r=abcdefgh" + i;
                quitter.send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='SCRAM-SHA-1'>"
                        + Base64.getEncoder().encodeToString(first.getBytes(StandardCharsets.UTF_8)) + "</auth>");
                quitter.await("</challenge>");
            }
        }
        try (RawClient again = opened(address(1, 2))) {
            again.authPlain(victim, "secret");
            someoneElseLogsIn(2);
            assertNoAnswer(again);
        }
    }

    @Test
    void aUserOnAnAddressTheyLoggedInFromDoesNotPayForAnAttackerElsewhere() throws Exception {
        String carol = env.newUser();
        try (RawClient before = new RawClient(env.node.c2sPort(), address(2, 1))) {
            before.login(carol, "secret", "home");
        }
        List<RawClient> attackers = new ArrayList<>();
        try {
            for (int last = 10; last < 22; last++) { // one guess from each of many addresses
                RawClient attacker = opened(address(2, last));
                attacker.authPlain(carol, "guess-" + last);
                attackers.add(attacker);
            }
            someoneElseLogsIn(3);
            for (RawClient attacker : attackers) {
                attacker.isOpen(); // reads what has arrived
            }
            long answeredAtOnce = attackers.stream().filter(a -> a.received().contains("<not-authorized/>")).count();
            long refused = attackers.stream().filter(a -> a.received().contains("<temporary-auth-failure/>")).count();
            assertThat(answeredAtOnce).as("the account's free attempts").isEqualTo(5);
            assertThat(refused).as("beyond the two attempts that may wait at once").isEqualTo(5);

            try (RawClient home = opened(address(2, 1))) {
                home.authPlain(carol, "typo");
                assertThat(home.await("</failure>")).contains("<not-authorized/>");
                home.clear();
                home.authPlain(carol, "secret");
                assertThat(home.await("<success")).doesNotContain("<failure");
            }
            try (RawClient newPlace = opened(address(2, 99))) {
                newPlace.authPlain(carol, "secret");
                assertThat(newPlace.await("</failure>")).as("an address carol never used waits for the attack, or is asked to retry")
                        .contains("<temporary-auth-failure/>");
            }
        } finally {
            for (RawClient attacker : attackers) {
                attacker.close();
            }
        }
        // once the attackers are gone (the node notices soon), their slots are free again and a new address is
        // told to wait, never locked out
        List<RawClient> probes = new ArrayList<>();
        try {
            int[] next = {98};
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                RawClient probe = opened(address(2, next[0]--));
                probes.add(probe);
                probe.authPlain(carol, "secret");
                someoneElseLogsIn(4);
                probe.isOpen();
                return !probe.received().contains("<temporary-auth-failure/>");
            });
            assertNoAnswer(probes.get(probes.size() - 1));
        } finally {
            for (RawClient probe : probes) {
                probe.close();
            }
        }
    }

    @Test
    void oneAddressGuessingManyAccountsIsSlowedDown() throws Exception {
        List<String> victims = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            victims.add(env.newUser());
        }
        try (RawClient attacker = opened(address(3, 1))) {
            for (int i = 0; i < 5; i++) {
                try (RawClient one = opened(address(3, 1))) {
                    one.authPlain(victims.get(i), "guess");
                    assertThat(one.await("</failure>")).contains("<not-authorized/>");
                }
            }
            attacker.authPlain(victims.get(5), "secret");
            someoneElseLogsIn(5);
            assertNoAnswer(attacker);
        }
    }

    private static String salt(InetAddress from, int port, String name) throws IOException {
        try (RawClient client = new RawClient(port, from)) {
            client.send(RawClient.header());
            client.await("</stream:features>");
            client.clear();
            String first = "n,,n=" + name + ",r=fixednonce";
            client.send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='SCRAM-SHA-256'>"
                    + Base64.getEncoder().encodeToString(first.getBytes(StandardCharsets.UTF_8)) + "</auth>");
            String seen = client.await("</challenge>");
            String b64 = seen.substring(seen.indexOf("<challenge") + seen.substring(seen.indexOf("<challenge")).indexOf('>') + 1,
                    seen.indexOf("</challenge>"));
            String challenge = new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
            return challenge.substring(challenge.indexOf(",s=") + 1); // s=...,i=...
        }
    }

    @Test
    void missingAccountsLookLikeExistingOnesOnEveryNodeAndAfterRestarts() throws Exception {
        Path home = Files.createTempDirectory("skein-salts");
        try (TestNodes nodes = new TestNodes(home)) {
            String shared = "jdbc:h2:file:" + home.resolve("shared-db").toAbsolutePath() + ";AUTO_SERVER=TRUE";
            Map<String, String> config = Map.of("db.url", shared, "db.user", "sa", "xmpp.c2s.connectionRate", "-1");
            XmppServer one = nodes.start("one", config);
            XmppServer two = nodes.start("two", config);
            one.userManager().createUser("erin", "secret", "", "");
            InetAddress from = address(4, 1);

            String existing = salt(from, one.c2sPort(), "erin");
            assertThat(salt(from, one.c2sPort(), "ERIN")).isEqualTo(existing);
            assertThat(existing).matches("s=[A-Za-z0-9+/]{22}==,i=4096");

            String missing = salt(from, one.c2sPort(), "nobody-here");
            assertThat(missing).matches("s=[A-Za-z0-9+/]{22}==,i=4096");
            assertThat(salt(from, one.c2sPort(), "NOBODY-HERE")).isEqualTo(missing);
            assertThat(salt(from, one.c2sPort(), "Nobody-\u00ADHere")).as("nodeprep maps a soft hyphen to nothing").isEqualTo(missing);
            assertThat(salt(from, two.c2sPort(), "nobody-here")).as("the other node").isEqualTo(missing);
            assertThat(salt(from, one.c2sPort(), "nobody-else")).isNotEqualTo(missing);

            one.stop();
            XmppServer again = nodes.start("one", config);
            assertThat(salt(from, again.c2sPort(), "nobody-here")).as("after a restart").isEqualTo(missing);
        } finally {
            try (var paths = Files.walk(home)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
