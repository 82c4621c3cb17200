package org.skein.iq;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.dom4j.Element;
import org.skein.blocking.BlockingPolicy;
import org.skein.component.ComponentRegistry;
import org.skein.component.LocalComponent;
import org.skein.routing.RoutingTable;
import org.skein.session.LocalClientSession;
import org.skein.user.UserManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.PacketError;

/**
 * Routes IQs (RFC 6120 section 8.2.3 and RFC 6121 section 8.5):
 * <ul>
 *   <li>to the server (no {@code to}, or the domain): the {@link IqHandler} of the child's namespace,
 *       else {@code service-unavailable};</li>
 *   <li>to a user's bare JID: answered by the server on the user's behalf, by a handler that
 *       {@linkplain IqHandler#answersForUsers() answers for users}, else {@code service-unavailable}
 *       (also for unknown users);</li>
 *   <li>to a full JID: delivered to that session, else {@code service-unavailable};</li>
 *   <li>to the domain of a {@linkplain ComponentRegistry component} or a JID under it: handed to the
 *       component (requests, results and errors);</li>
 *   <li>to another domain: {@code remote-server-not-found}.</li>
 *   <li>to anyone but the server, the {@link BlockingPolicy} first (XEP-0191): a request to a JID the
 *       sender blocked gets {@code not-acceptable} with {@code <blocked/>}, a request from a JID the
 *       recipient blocked {@code service-unavailable} (nothing is answered on the user's behalf
 *       either); results and errors are dropped.</li>
 * </ul>
 * A request must carry an id and exactly one child element ({@code bad-request} otherwise). Results
 * and errors are only ever delivered, never answered; those addressed to the server answer the
 * server's own requests ({@link IqRequests}). Thread-safe.
 */
public final class IqRouter {

    private static final Logger LOG = LoggerFactory.getLogger(IqRouter.class);

    private final String domain;
    private final JID serverJid;
    private final RoutingTable routingTable;
    private final UserManager users;
    private final ComponentRegistry components;
    private final IqRequests requests;
    private final BlockingPolicy blocking;
    private final Map<String, IqHandler> handlers = new ConcurrentHashMap<>();

    /**
     * @param requests the server's own requests, whose responses this router hands over
     * @param blocking the users' block lists, asked for every IQ to anyone but the server
     */
    public IqRouter(String domain, RoutingTable routingTable, UserManager users, ComponentRegistry components,
                    IqRequests requests, BlockingPolicy blocking) {
        this.domain = Objects.requireNonNull(domain, "domain");
        this.serverJid = new JID(null, domain, null, true);
        this.routingTable = Objects.requireNonNull(routingTable, "routingTable");
        this.users = Objects.requireNonNull(users, "users");
        this.components = Objects.requireNonNull(components, "components");
        this.requests = Objects.requireNonNull(requests, "requests");
        this.blocking = Objects.requireNonNull(blocking, "blocking");
    }

    /** The server's own requests to clients: send one and get its response (see {@link IqRequests}). */
    public IqRequests requests() {
        return requests;
    }

    /**
     * Adds a handler (plugins may add their own).
     *
     * @throws IllegalStateException if another handler has the namespace
     */
    public void addHandler(IqHandler handler) {
        IqHandler previous = handlers.putIfAbsent(handler.namespace(), handler);
        if (previous != null && previous != handler) {
            throw new IllegalStateException("an IQ handler for " + handler.namespace() + " exists already");
        }
    }

    public void removeHandler(IqHandler handler) {
        handlers.remove(handler.namespace(), handler);
    }

    /** Whether a handler answers this namespace (for disco features). */
    public boolean hasHandler(String namespace) {
        return handlers.containsKey(namespace);
    }

    /** Routes an IQ a local client sent ({@code from} stamped). */
    public void route(IQ iq, LocalClientSession session) {
        IQ.Type type = iq.getType();
        if (type == null) {
            reply(session, IqErrors.error(iq, PacketError.Condition.bad_request, serverJid));
            return;
        }
        JID to = iq.getTo();
        boolean request = type == IQ.Type.get || type == IQ.Type.set;
        if (request && (iq.getID() == null || iq.getElement().elements().size() != 1)) {
            reply(session, IqErrors.error(iq, PacketError.Condition.bad_request, serverJid));
            return;
        }
        if (to == null || (to.getNode() == null && to.getResource() == null && domain.equals(to.getDomain()))) {
            if (request) {
                handle(iq, session, false);
            } else {
                requests.responseArrived(iq);
            }
            return;
        }
        BlockingPolicy.Verdict verdict = blocking.check(iq.getFrom(), to);
        if (verdict != BlockingPolicy.Verdict.ALLOWED) {
            if (request) {
                reply(session, verdict == BlockingPolicy.Verdict.BLOCKED_BY_SENDER
                        ? IqErrors.error(iq, BlockingPolicy.blockedError(), serverJid)
                        : IqErrors.error(iq, PacketError.Condition.service_unavailable, serverJid));
            }
            return;
        }
        if (!domain.equals(to.getDomain())) {
            Optional<LocalComponent> component = components.forDomain(to.getDomain());
            if (component.isPresent()) {
                toComponent(component.get(), iq, session, request);
            } else if (request) {
                reply(session, IqErrors.error(iq, PacketError.Condition.remote_server_not_found, serverJid));
            }
            return;
        }
        if (to.getResource() != null) {
            if (!routingTable.routeToFullJid(to, iq) && request) {
                reply(session, IqErrors.error(iq, PacketError.Condition.service_unavailable, serverJid));
            }
            return;
        }
        if (!request) {
            return; // responses to a bare JID have no one to go to
        }
        if (to.getNode() == null || (!to.toBareJID().equals(session.address().toBareJID()) && !exists(to.getNode()))) {
            reply(session, IqErrors.error(iq, PacketError.Condition.service_unavailable, serverJid));
            return;
        }
        handle(iq, session, true);
    }

    private void handle(IQ iq, LocalClientSession session, boolean forUser) {
        Element child = iq.getChildElement();
        IqHandler handler = child == null ? null : handlers.get(child.getNamespaceURI());
        if (handler == null || (forUser && !handler.answersForUsers())) {
            reply(session, IqErrors.error(iq, PacketError.Condition.service_unavailable, serverJid));
            return;
        }
        IQ reply;
        try {
            reply = handler.handle(iq, session);
        } catch (RuntimeException e) {
            LOG.warn("IQ handler {} failed on {}", handler.namespace(), iq.toXML(), e);
            reply = IqErrors.error(iq, PacketError.Condition.internal_server_error, serverJid);
        }
        if (reply != null) {
            reply(session, reply);
        }
    }

    private void toComponent(LocalComponent component, IQ iq, LocalClientSession session, boolean request) {
        try {
            component.process(iq);
        } catch (RuntimeException e) {
            LOG.warn("Component {} failed on {}", component.domain(), iq.toXML(), e);
            if (request) {
                reply(session, IqErrors.error(iq, PacketError.Condition.internal_server_error, iq.getTo()));
            }
        }
    }

    private boolean exists(String username) {
        try {
            return users.exists(username);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void reply(LocalClientSession session, IQ reply) {
        reply.setTo(session.address());
        session.deliver(reply);
    }
}
