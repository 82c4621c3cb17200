package org.skein.xmpp.sasl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import org.skein.auth.ScramAlgorithm;
import org.skein.auth.ScramCredentials;
import org.skein.user.UserManager;

/**
 * The server side of SCRAM (RFC 5802) with SHA-1 or SHA-256 (RFC 7677), without channel binding:
 * the client's GS2 header must be {@code n,,} or {@code y,,} (a client that asks for channel binding
 * with {@code p=} gets a clear failure). For an unknown user the exchange goes on with made-up
 * credentials (a salt derived from a server secret and the normalised name, the configured iteration
 * count) and fails at the end, so it does not tell which usernames exist.
 */
final class ScramMechanism implements SaslMechanism {

    private enum State { FIRST, FINAL, DONE }

    private final ScramAlgorithm algorithm;
    private final UserManager users;
    private final String domain;
    private final SecureRandom random;
    private final FakeCredentials fakes;
    private State state = State.FIRST;
    private String gs2Header;
    private String clientFirstBare;
    private String serverFirst;
    private String nonce;
    private String username;
    private String attempted;
    private ScramCredentials credentials;
    private boolean knownUser;

    /** Makes up stable credentials for usernames that do not exist. */
    interface FakeCredentials {
        ScramCredentials forUnknownUser(ScramAlgorithm algorithm, String username);
    }

    ScramMechanism(ScramAlgorithm algorithm, UserManager users, String domain, SecureRandom random, FakeCredentials fakes) {
        this.algorithm = algorithm;
        this.users = users;
        this.domain = domain;
        this.random = random;
        this.fakes = fakes;
    }

    @Override
    public String name() {
        return algorithm.mechanism();
    }

    @Override
    public String attemptedUsername() {
        return attempted;
    }

    @Override
    public SaslStep evaluate(byte[] response) {
        switch (state) {
            case FIRST:
                if (response.length == 0) {
                    return SaslStep.challenge(new byte[0]); // the client sends its first message as a response
                }
                return clientFirst(new String(response, StandardCharsets.UTF_8));
            case FINAL:
                state = State.DONE;
                return clientFinal(new String(response, StandardCharsets.UTF_8));
            default:
                return SaslStep.failure(SaslFailure.MALFORMED_REQUEST, "the SCRAM exchange is over");
        }
    }

    private SaslStep clientFirst(String message) {
        // gs2-header = gs2-cbind-flag "," [ authzid ] "," ; then client-first-message-bare
        int firstComma = message.indexOf(',');
        int secondComma = firstComma < 0 ? -1 : message.indexOf(',', firstComma + 1);
        if (firstComma < 0 || secondComma < 0) {
            return malformed("expected a GS2 header such as 'n,,'");
        }
        String cbind = message.substring(0, firstComma);
        if (cbind.startsWith("p=")) {
            return SaslStep.failure(SaslFailure.NOT_AUTHORIZED,
                    "channel binding is not supported; use " + algorithm.mechanism() + " without channel binding");
        }
        if (!cbind.equals("n") && !cbind.equals("y")) {
            return malformed("the channel binding flag must be 'n' or 'y'");
        }
        String authzidPart = message.substring(firstComma + 1, secondComma);
        gs2Header = message.substring(0, secondComma + 1);
        clientFirstBare = message.substring(secondComma + 1);
        if (clientFirstBare.startsWith("m=")) {
            return malformed("mandatory extensions are not supported");
        }
        String name = attribute(clientFirstBare, 'n');
        String clientNonce = attribute(clientFirstBare, 'r');
        if (name == null || clientNonce == null || clientNonce.isEmpty() || clientNonce.indexOf(',') >= 0) {
            return malformed("the first message must carry n= and r=");
        }
        String decodedName = decodeSaslName(name);
        if (decodedName == null) {
            return malformed("the username has a bad '=' escape");
        }
        attempted = decodedName;
        try {
            username = UserManager.normalize(decodedName);
        } catch (IllegalArgumentException e) {
            username = null;
        }
        String authzid = authzidPart.isEmpty() ? "" : authzidPart.startsWith("a=") ? decodeSaslName(authzidPart.substring(2)) : null;
        if (authzid == null || (username != null && !Authzid.allowed(authzid, username, domain))) {
            return SaslStep.failure(SaslFailure.INVALID_AUTHZID, "you may only act as yourself");
        }
        Optional<ScramCredentials> stored = username == null ? Optional.empty() : users.credentials(username, algorithm);
        knownUser = stored.isPresent();
        credentials = stored.orElseGet(() -> fakes.forUnknownUser(algorithm, decodedName));
        byte[] serverNonce = new byte[18];
        random.nextBytes(serverNonce);
        nonce = clientNonce + Base64.getEncoder().encodeToString(serverNonce);
        serverFirst = "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(credentials.salt()) + ",i=" + credentials.iterations();
        state = State.FINAL;
        return SaslStep.challenge(serverFirst.getBytes(StandardCharsets.UTF_8));
    }

    private SaslStep clientFinal(String message) {
        int proofAt = message.lastIndexOf(",p=");
        if (proofAt < 0) {
            return malformed("the final message must end with p=");
        }
        String withoutProof = message.substring(0, proofAt);
        String channelBinding = attribute(withoutProof, 'c');
        String finalNonce = attribute(withoutProof, 'r');
        byte[] proof;
        try {
            proof = Base64.getDecoder().decode(message.substring(proofAt + 3));
        } catch (IllegalArgumentException e) {
            return SaslStep.failure(SaslFailure.INCORRECT_ENCODING, "the proof is not base64");
        }
        if (channelBinding == null || finalNonce == null) {
            return malformed("the final message must carry c= and r=");
        }
        String expectedBinding = Base64.getEncoder().encodeToString(gs2Header.getBytes(StandardCharsets.UTF_8));
        if (!expectedBinding.equals(channelBinding)) {
            return malformed("the channel binding does not match the GS2 header");
        }
        if (!nonce.equals(finalNonce)) {
            return malformed("the nonce does not match");
        }
        byte[] authMessage = (clientFirstBare + "," + serverFirst + "," + withoutProof).getBytes(StandardCharsets.UTF_8);
        byte[] storedKey = credentials.storedKey();
        byte[] clientSignature = ScramCredentials.hmac(algorithm, storedKey, authMessage);
        if (proof.length != clientSignature.length) {
            return SaslStep.wrongCredentials(username);
        }
        byte[] clientKey = new byte[proof.length];
        for (int i = 0; i < proof.length; i++) {
            clientKey[i] = (byte) (proof[i] ^ clientSignature[i]);
        }
        boolean matches = MessageDigest.isEqual(ScramCredentials.hash(algorithm, clientKey), storedKey);
        if (!matches || !knownUser) {
            return SaslStep.wrongCredentials(username);
        }
        byte[] serverSignature = ScramCredentials.hmac(algorithm, credentials.serverKey(), authMessage);
        String serverFinal = "v=" + Base64.getEncoder().encodeToString(serverSignature);
        return SaslStep.success(username, serverFinal.getBytes(StandardCharsets.UTF_8));
    }

    private SaslStep malformed(String text) {
        state = State.DONE;
        return SaslStep.failure(SaslFailure.MALFORMED_REQUEST, text);
    }

    /** The value of {@code key=} in a comma-separated SCRAM message, or {@code null}. */
    static String attribute(String message, char key) {
        int start = 0;
        while (start <= message.length()) {
            int end = message.indexOf(',', start);
            if (end < 0) {
                end = message.length();
            }
            if (end - start >= 2 && message.charAt(start) == key && message.charAt(start + 1) == '=') {
                return message.substring(start + 2, end);
            }
            start = end + 1;
        }
        return null;
    }

    /** Decodes {@code =2C} and {@code =3D}; any other {@code =} is an error ({@code null}). */
    static String decodeSaslName(String name) {
        StringBuilder sb = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '=') {
                if (name.startsWith("=2C", i)) {
                    sb.append(',');
                } else if (name.startsWith("=3D", i)) {
                    sb.append('=');
                } else {
                    return null;
                }
                i += 2;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
