package org.skein.disco;

import org.dom4j.Element;
import org.xmpp.packet.JID;

/**
 * Adds to what {@code disco#info} and {@code disco#items} say about an account's bare JID (PEP, for
 * example, adds its identity, its features and its nodes). Register with
 * {@link DiscoInfoHandler#addAccountProvider} and {@link DiscoItemsHandler#addAccountProvider}. Called
 * on the requester's processing thread; may read caches and the database. Thread-safe.
 */
public interface AccountDiscoProvider {

    /** Adds identities and features to the {@code <query/>} of a {@code disco#info} of the account (no node). */
    default void addAccountInfo(Element query, JID account, JID requester) {
    }

    /**
     * Answers a {@code disco#info} of one node of the account.
     *
     * @return whether the node is this provider's and the requester may see it (else the next provider, or {@code item-not-found})
     */
    default boolean addNodeInfo(Element query, JID account, String node, JID requester) {
        return false;
    }

    /** Adds {@code <item/>}s to the {@code disco#items} of the account (no node). */
    default void addAccountItems(Element query, JID account, JID requester) {
    }
}
