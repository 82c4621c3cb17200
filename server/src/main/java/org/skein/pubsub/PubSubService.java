package org.skein.pubsub;

import java.util.Objects;
import java.util.Set;
import org.xmpp.packet.JID;

/**
 * One publish-subscribe service as the {@link PubSubEngine} serves it: the service at
 * {@code pubsub.<domain>}, or one account's PEP service (XEP-0163) on its bare JID. What differs
 * between the two is said here; the XEP-0060 protocol is the engine's. Immutable.
 */
public abstract class PubSubService {

    private final String id;
    private final JID address;

    /**
     * @param id the name its nodes are stored under: the component's domain, or the owner's bare JID
     * @param address the JID that answers and sends notifications
     */
    protected PubSubService(String id, JID address) {
        this.id = Objects.requireNonNull(id, "id");
        this.address = Objects.requireNonNull(address, "address");
    }

    public final String id() {
        return id;
    }

    public final JID address() {
        return address;
    }

    /** Whether this is a PEP service (notifications also go to contacts whose caps ask for them). */
    public abstract boolean isPep();

    /** The account a PEP service belongs to, or {@code null}. */
    public String ownerUsername() {
        return null;
    }

    /** The configuration of a new node. */
    public abstract NodeConfig defaults();

    /** Whether this JID may create nodes. */
    public abstract boolean mayCreate(JID requester);

    /** Whether a publication to a node that does not exist creates it (XEP-0060 section 7.1.4). */
    public abstract boolean autoCreates();

    /** Whether nodes without a name may be created (instant nodes). */
    public abstract boolean instantNodes();

    /**
     * The JIDs whose rosters decide the {@code presence} and {@code roster} access models: the PEP
     * service's owner, or a node's owners.
     */
    public abstract Set<String> rosterOwners(NodeState node);

    /** A bare JID's affiliation with a node: as stored, except that a PEP service's owner owns every node. */
    public Affiliation affiliation(NodeState node, String bareJid) {
        return node == null ? Affiliation.NONE : node.affiliation(bareJid);
    }

    /** The features this service lists in {@code disco#info} (the pubsub ones). */
    public abstract java.util.List<String> features();

    @Override
    public String toString() {
        return (isPep() ? "PEP service " : "pubsub service ") + id;
    }
}
