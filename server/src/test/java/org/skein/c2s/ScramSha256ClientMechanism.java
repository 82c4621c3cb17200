package org.skein.c2s;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import javax.security.auth.callback.CallbackHandler;
import org.jivesoftware.smack.SmackException.SmackSaslException;
import org.jivesoftware.smack.sasl.SASLMechanism;

/**
 * A SCRAM-SHA-256 client (RFC 7677) for Smack 4.4, which ships only SCRAM-SHA-1. Written from the
 * RFC with the JDK's crypto, independently of the server's code, so a login with it checks the
 * server's SCRAM-SHA-256 against a second implementation.
 */
final class ScramSha256ClientMechanism extends SASLMechanism {

    static final String NAME = "SCRAM-SHA-256";

    private String clientFirstBare;
    private String clientNonce;
    private byte[] expectedServerSignature;
    private boolean verified;

    @Override
    protected void authenticateInternal(CallbackHandler cbh) {
        throw new UnsupportedOperationException("callback handlers are not supported");
    }

    @Override
    protected byte[] getAuthenticationText() {
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        clientNonce = Base64.getEncoder().encodeToString(random);
        clientFirstBare = "n=" + authenticationId.replace("=", "=3D").replace(",", "=2C") + ",r=" + clientNonce;
        return toBytes("n,," + clientFirstBare);
    }

    @Override
    protected byte[] evaluateChallenge(byte[] challenge) throws SmackSaslException {
        String message = new String(challenge, StandardCharsets.UTF_8);
        if (expectedServerSignature == null) {
            return clientFinal(message);
        }
        byte[] signature = Base64.getDecoder().decode(attribute(message, 'v'));
        verified = MessageDigest.isEqual(signature, expectedServerSignature);
        return null;
    }

    private byte[] clientFinal(String serverFirst) throws SmackSaslException {
        String nonce = attribute(serverFirst, 'r');
        if (nonce == null || !nonce.startsWith(clientNonce)) {
            throw new SmackSaslException("the server's nonce does not extend ours");
        }
        byte[] salt = Base64.getDecoder().decode(attribute(serverFirst, 's'));
        int iterations = Integer.parseInt(attribute(serverFirst, 'i'));
        try {
            byte[] salted = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256)).getEncoded();
            byte[] clientKey = hmac(salted, "Client Key".getBytes(StandardCharsets.US_ASCII));
            byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(clientKey);
            String withoutProof = "c=" + Base64.getEncoder().encodeToString("n,,".getBytes(StandardCharsets.US_ASCII)) + ",r=" + nonce;
            byte[] authMessage = (clientFirstBare + "," + serverFirst + "," + withoutProof).getBytes(StandardCharsets.UTF_8);
            byte[] clientSignature = hmac(storedKey, authMessage);
            byte[] proof = new byte[clientKey.length];
            for (int i = 0; i < proof.length; i++) {
                proof[i] = (byte) (clientKey[i] ^ clientSignature[i]);
            }
            expectedServerSignature = hmac(hmac(salted, "Server Key".getBytes(StandardCharsets.US_ASCII)), authMessage);
            return toBytes(withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof));
        } catch (GeneralSecurityException e) {
            throw new SmackSaslException(e);
        }
    }

    private static byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }

    private static String attribute(String message, char key) {
        for (String part : message.split(",")) {
            if (part.length() >= 2 && part.charAt(0) == key && part.charAt(1) == '=') {
                return part.substring(2);
            }
        }
        return null;
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public int getPriority() {
        return 105;
    }

    @Override
    protected void checkIfSuccessfulOrThrow() throws SmackSaslException {
        if (!verified) {
            throw new SmackSaslException("the server's signature did not verify");
        }
    }

    @Override
    protected SASLMechanism newInstance() {
        return new ScramSha256ClientMechanism();
    }
}
