package org.skein.xmpp.sasl;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.skein.cache.CacheFactory;
import org.skein.cluster.NodeID;
import org.skein.config.CacheSettingsResolver;
import org.skein.config.ServerConfig;
import org.skein.user.UserManager;

class SaslMechanismsTest {

    private CacheFactory caches;
    private SaslMechanisms mechanisms;

    @BeforeEach
    void setUp() throws Exception {
        ServerConfig config = ServerConfig.inMemory(Map.of("auth.scram.iterations", "4096"));
        caches = new CacheFactory(NodeID.of("sasl-test"), new CacheSettingsResolver(config)::resolve, Ticker.systemTicker());
        UserManager users = new UserManager(new InMemoryUserStore(), caches, config);
        users.createUser("alice", "pencil", "", "");
        this.users = users;
        mechanisms = new SaslMechanisms(users, "localhost", false, 4096, () -> SECRET.clone());
    }

    private static final byte[] SECRET = "a server secret of 32 bytes.....".getBytes(StandardCharsets.US_ASCII);
    private UserManager users;

    private String saltFor(SaslMechanisms of, String name) throws Exception {
        ScramClient client = new ScramClient("SHA-256", "HmacSHA256", "PBKDF2WithHmacSHA256", 256, "n,,", name, "x");
        SaslStep first = of.create("SCRAM-SHA-256", false).orElseThrow().evaluate(client.first());
        String text = new String(first.data(), StandardCharsets.UTF_8);
        return text.substring(text.indexOf(",s=") + 3);
    }

    @Test
    void missingUsersShowOneSaltForEveryCaseAndStringprepVariantLikeExistingOnes() throws Exception {
        assertThat(saltFor(mechanisms, "ALICE")).isEqualTo(saltFor(mechanisms, "alice"));
        assertThat(saltFor(mechanisms, "MALLORY")).isEqualTo(saltFor(mechanisms, "mallory"))
                .isEqualTo(saltFor(mechanisms, "Mal\u00ADlory")) // a soft hyphen, which nodeprep removes
                .isEqualTo(saltFor(mechanisms, " mallory"))
                .isNotEqualTo(saltFor(mechanisms, "mallory2"));
        // the same salt, iteration count and length as an existing account, and one per name and secret
        assertThat(saltFor(mechanisms, "mallory")).matches("[A-Za-z0-9+/]{22}==,i=4096");
        assertThat(saltFor(mechanisms, "alice")).matches("[A-Za-z0-9+/]{22}==,i=4096");
        SaslMechanisms otherSecret = new SaslMechanisms(users, "localhost", false, 4096, () -> new byte[32]);
        assertThat(saltFor(otherSecret, "mallory")).isNotEqualTo(saltFor(mechanisms, "mallory"));
        assertThat(saltFor(new SaslMechanisms(users, "localhost", false, 4096, () -> SECRET.clone()), "mallory"))
                .isEqualTo(saltFor(mechanisms, "mallory"));
    }

    @AfterEach
    void tearDown() {
        caches.close();
    }

    @Test
    void plainIsOfferedOnlyOverTls() {
        assertThat(mechanisms.offered(false)).containsExactly("SCRAM-SHA-256", "SCRAM-SHA-1");
        assertThat(mechanisms.offered(true)).containsExactly("SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN");
        assertThat(mechanisms.create("PLAIN", false)).isEmpty();
        assertThat(mechanisms.create("DIGEST-MD5", true)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"n,,", "y,,", "n,a=alice@localhost,"})
    void scramSha256SucceedsWithoutChannelBindingAndProvesTheServer(String gs2) throws Exception {
        ScramClient client = new ScramClient("SHA-256", "HmacSHA256", "PBKDF2WithHmacSHA256", 256, gs2, "alice", "pencil");
        SaslMechanism server = mechanisms.create("SCRAM-SHA-256", false).orElseThrow();

        SaslStep first = server.evaluate(client.first());
        assertThat(first.kind()).isEqualTo(SaslStep.Kind.CHALLENGE);
        SaslStep last = server.evaluate(client.last(first.data()));

        assertThat(last.kind()).isEqualTo(SaslStep.Kind.SUCCESS);
        assertThat(last.username()).isEqualTo("alice");
        assertThat(client.verifies(last.data())).isTrue();
    }

    @Test
    void scramSha1SucceedsToo() throws Exception {
        ScramClient client = new ScramClient("SHA-1", "HmacSHA1", "PBKDF2WithHmacSHA1", 160, "n,,", "alice", "pencil");
        SaslMechanism server = mechanisms.create("SCRAM-SHA-1", false).orElseThrow();
        SaslStep first = server.evaluate(client.first());
        SaslStep last = server.evaluate(client.last(first.data()));
        assertThat(last.kind()).isEqualTo(SaslStep.Kind.SUCCESS);
        assertThat(client.verifies(last.data())).isTrue();
    }

    @Test
    void aWrongPasswordIsWrongCredentials() throws Exception {
        ScramClient client = new ScramClient("SHA-256", "HmacSHA256", "PBKDF2WithHmacSHA256", 256, "n,,", "alice", "pen");
        SaslMechanism server = mechanisms.create("SCRAM-SHA-256", false).orElseThrow();
        SaslStep last = server.evaluate(client.last(server.evaluate(client.first()).data()));
        assertThat(last.kind()).isEqualTo(SaslStep.Kind.FAILURE);
        assertThat(last.isWrongCredentials()).isTrue();
        assertThat(last.failure()).isEqualTo(SaslFailure.NOT_AUTHORIZED);
    }

    @Test
    void anUnknownUserGetsAChallengeLikeAnyoneAndFailsAtTheEnd() throws Exception {
        ScramClient client = new ScramClient("SHA-256", "HmacSHA256", "PBKDF2WithHmacSHA256", 256, "n,,", "mallory", "x");
        SaslMechanism server = mechanisms.create("SCRAM-SHA-256", false).orElseThrow();
        SaslStep first = server.evaluate(client.first());
        assertThat(first.kind()).isEqualTo(SaslStep.Kind.CHALLENGE);
        assertThat(new String(first.data(), StandardCharsets.UTF_8)).contains(",i=4096");
        SaslStep again = mechanisms.create("SCRAM-SHA-256", false).orElseThrow().evaluate(client.first());
        assertThat(salt(first)).isEqualTo(salt(again));
        assertThat(server.evaluate(client.last(first.data())).isWrongCredentials()).isTrue();
    }

    @Test
    void channelBindingIsRefusedWithAnExplanation() {
        SaslMechanism server = mechanisms.create("SCRAM-SHA-256", false).orElseThrow();
        SaslStep step = server.evaluate("p=tls-unique,,n=alice,r=abc".getBytes(StandardCharsets.UTF_8));
        assertThat(step.kind()).isEqualTo(SaslStep.Kind.FAILURE);
        assertThat(step.failure()).isEqualTo(SaslFailure.NOT_AUTHORIZED);
        assertThat(step.text()).contains("channel binding is not supported");
        assertThat(step.isWrongCredentials()).isFalse();
    }

    @Test
    void malformedMessagesAndAnotherAuthzidAreRefused() throws Exception {
        assertThat(mechanisms.create("SCRAM-SHA-1", false).orElseThrow().evaluate("garbage".getBytes(StandardCharsets.UTF_8)).failure())
                .isEqualTo(SaslFailure.MALFORMED_REQUEST);
        assertThat(mechanisms.create("SCRAM-SHA-1", false).orElseThrow()
                .evaluate("n,a=bob@localhost,n=alice,r=abc".getBytes(StandardCharsets.UTF_8)).failure())
                .isEqualTo(SaslFailure.INVALID_AUTHZID);

        ScramClient client = new ScramClient("SHA-256", "HmacSHA256", "PBKDF2WithHmacSHA256", 256, "n,,", "alice", "pencil");
        SaslMechanism server = mechanisms.create("SCRAM-SHA-256", false).orElseThrow();
        String challenge = new String(server.evaluate(client.first()).data(), StandardCharsets.UTF_8);
        String nonce = challenge.substring(2, challenge.indexOf(','));
        SaslStep tampered = server.evaluate(("c=eSws,r=" + nonce + ",p=AAAA").getBytes(StandardCharsets.UTF_8));
        assertThat(tampered.failure()).isEqualTo(SaslFailure.MALFORMED_REQUEST);
    }

    @Test
    void plainChecksThePasswordAndTheAuthzid() {
        SaslMechanism ok = mechanisms.create("PLAIN", true).orElseThrow();
        assertThat(ok.evaluate("\0alice\0pencil".getBytes(StandardCharsets.UTF_8)).kind()).isEqualTo(SaslStep.Kind.SUCCESS);
        assertThat(mechanisms.create("PLAIN", true).orElseThrow().evaluate("alice@localhost\0Alice\0pencil".getBytes(StandardCharsets.UTF_8))
                .kind()).isEqualTo(SaslStep.Kind.SUCCESS);
        assertThat(mechanisms.create("PLAIN", true).orElseThrow().evaluate("\0alice\0nope".getBytes(StandardCharsets.UTF_8))
                .isWrongCredentials()).isTrue();
        assertThat(mechanisms.create("PLAIN", true).orElseThrow().evaluate("bob@localhost\0alice\0pencil".getBytes(StandardCharsets.UTF_8))
                .failure()).isEqualTo(SaslFailure.INVALID_AUTHZID);
        assertThat(mechanisms.create("PLAIN", true).orElseThrow().evaluate("no-nul".getBytes(StandardCharsets.UTF_8)).failure())
                .isEqualTo(SaslFailure.MALFORMED_REQUEST);
    }

    private static String salt(SaslStep challenge) {
        String text = new String(challenge.data(), StandardCharsets.UTF_8);
        return text.substring(text.indexOf(",s=") + 3, text.indexOf(",i="));
    }

    /** The client side of SCRAM from RFC 5802, with the JDK's crypto. */
    private static final class ScramClient {
        private final String digest;
        private final String hmac;
        private final String pbkdf2;
        private final int bits;
        private final String gs2;
        private final String user;
        private final String password;
        private final String nonce = "rOprNGfwEbeRWgbNEkqO";
        private String clientFirstBare;
        private byte[] serverSignature;

        ScramClient(String digest, String hmac, String pbkdf2, int bits, String gs2, String user, String password) {
            this.digest = digest;
            this.hmac = hmac;
            this.pbkdf2 = pbkdf2;
            this.bits = bits;
            this.gs2 = gs2;
            this.user = user;
            this.password = password;
        }

        byte[] first() {
            clientFirstBare = "n=" + user + ",r=" + nonce;
            return (gs2 + clientFirstBare).getBytes(StandardCharsets.UTF_8);
        }

        byte[] last(byte[] challenge) throws GeneralSecurityException {
            String serverFirst = new String(challenge, StandardCharsets.UTF_8);
            String[] parts = serverFirst.split(",");
            String fullNonce = parts[0].substring(2);
            byte[] salt = Base64.getDecoder().decode(parts[1].substring(2));
            int iterations = Integer.parseInt(parts[2].substring(2));
            byte[] salted = SecretKeyFactory.getInstance(pbkdf2).generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, bits))
                    .getEncoded();
            byte[] clientKey = mac(salted, "Client Key".getBytes(StandardCharsets.US_ASCII));
            byte[] storedKey = MessageDigest.getInstance(digest).digest(clientKey);
            String withoutProof = "c=" + Base64.getEncoder().encodeToString(gs2.getBytes(StandardCharsets.UTF_8)) + ",r=" + fullNonce;
            byte[] authMessage = (clientFirstBare + "," + serverFirst + "," + withoutProof).getBytes(StandardCharsets.UTF_8);
            byte[] signature = mac(storedKey, authMessage);
            byte[] proof = new byte[clientKey.length];
            for (int i = 0; i < proof.length; i++) {
                proof[i] = (byte) (clientKey[i] ^ signature[i]);
            }
            serverSignature = mac(mac(salted, "Server Key".getBytes(StandardCharsets.US_ASCII)), authMessage);
            return (withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof)).getBytes(StandardCharsets.UTF_8);
        }

        boolean verifies(byte[] serverFinal) {
            String text = new String(serverFinal, StandardCharsets.UTF_8);
            return MessageDigest.isEqual(Base64.getDecoder().decode(text.substring(2)), serverSignature);
        }

        private byte[] mac(byte[] key, byte[] data) throws GeneralSecurityException {
            Mac mac = Mac.getInstance(hmac);
            mac.init(new SecretKeySpec(key, hmac));
            return mac.doFinal(data);
        }
    }
}
