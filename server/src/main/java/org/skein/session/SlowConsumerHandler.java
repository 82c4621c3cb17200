package org.skein.session;

import org.xmpp.packet.Packet;

/**
 * What happens to stanzas for a session whose client does not read fast enough (its connection is
 * {@link ClientConnection#isBacklogged() backlogged}): the node's slow-consumer policy. The session
 * itself keeps chat and normal messages in offline storage when {@link #keepsMessagesOffline()};
 * everything else comes here. Called on the delivering thread (a sender's processing thread, or the
 * thread that delivers stanzas from another node); implementations must not wait for the network.
 * Thread-safe.
 */
public interface SlowConsumerHandler {

    /** Whether chat and normal messages for a backlogged session go to the user's offline storage (else they bounce). */
    boolean keepsMessagesOffline();

    /**
     * A stanza the session did not send and did not keep: answer its sender with an error where RFC 6120
     * allows one (a message or an IQ request), else log that it was dropped (a presence, an IQ result or
     * error, an error message). Never silent.
     */
    void refused(LocalClientSession session, Packet packet);

    /** The session's client reads again and messages wait for it in storage: deliver them (on the session's executor). */
    void deliverStored(LocalClientSession session);

}
