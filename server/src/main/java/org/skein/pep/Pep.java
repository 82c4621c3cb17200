package org.skein.pep;

import java.util.Objects;
import org.skein.blocking.BlockingPolicy;
import org.skein.caps.EntityCapabilities;
import org.skein.disco.DiscoInfoHandler;
import org.skein.disco.DiscoItemsHandler;
import org.skein.iq.IqRouter;
import org.skein.presence.PresenceManager;
import org.skein.pubsub.Fanout;
import org.skein.pubsub.Notifier;
import org.skein.pubsub.PubSubEngine;
import org.skein.pubsub.PubSubNamespaces;
import org.skein.roster.RosterManager;
import org.xmpp.packet.JID;

/**
 * Personal eventing (XEP-0163) on every account of the node's domain, wired into the node: the
 * {@code pubsub} and {@code pubsub#owner} requests to an account, its {@code disco} identity and nodes,
 * the {@code +notify} filter and the last items on the node that holds each session.
 */
public final class Pep {

    private final PepInterests interests;

    /**
     * Registers PEP with the node's routers; the fan-out's local delivery becomes PEP's filter, which
     * also drops notifications across a block ({@code blocking}).
     */
    public Pep(PubSubEngine engine, Notifier notifier, Fanout fanout, EntityCapabilities caps, RosterManager rosters,
               IqRouter iqRouter, PresenceManager presence, DiscoInfoHandler discoInfo, DiscoItemsHandler discoItems,
               String domain, BlockingPolicy blocking) {
        Objects.requireNonNull(engine, "engine");
        JID serverJid = new JID(null, domain, null, true);
        this.interests = new PepInterests(caps, engine.directory(), engine.access(), rosters, notifier, domain, blocking);
        iqRouter.addHandler(new PepIqHandler(PubSubNamespaces.PUBSUB, engine, serverJid));
        iqRouter.addHandler(new PepIqHandler(PubSubNamespaces.OWNER, engine, serverJid));
        caps.addListener(interests);
        presence.addListener(interests);
        fanout.setLocalDelivery(interests);
        PepDisco disco = new PepDisco(engine.directory(), engine.access(), engine.maxItemsLimit());
        discoInfo.addAccountProvider(disco);
        discoItems.addAccountProvider(disco);
    }
}
