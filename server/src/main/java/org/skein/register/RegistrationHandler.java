package org.skein.register;

import java.util.Objects;
import org.dom4j.Element;
import org.skein.iq.IqErrors;
import org.skein.iq.IqHandler;
import org.skein.roster.RosterManager;
import org.skein.session.LocalClientSession;
import org.skein.session.SessionManager;
import org.skein.user.UserAlreadyExistsException;
import org.skein.user.UserManager;
import org.skein.user.UserNotFoundException;
import org.skein.xmpp.Namespaces;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.PacketError;
import org.xmpp.packet.StreamError;

/**
 * {@code jabber:iq:register} (XEP-0077). Before authentication ({@link #handleUnauthenticated}): the
 * registration form, and account creation. After: the registration state, a password change, and the
 * removal of the account (whose sessions are then closed). When registration is disabled every
 * request gets {@code service-unavailable} and the feature is not advertised.
 */
public final class RegistrationHandler implements IqHandler {

    private static final Logger LOG = LoggerFactory.getLogger(RegistrationHandler.class);

    /** The configuration key that turns in-band registration on. */
    public static final String ENABLED_KEY = "xmpp.register.enabled";

    private final JID serverJid;
    private final UserManager users;
    private final RosterManager rosters;
    private final SessionManager sessions;
    private final boolean enabled;

    public RegistrationHandler(JID serverJid, UserManager users, RosterManager rosters, SessionManager sessions, boolean enabled) {
        this.serverJid = Objects.requireNonNull(serverJid, "serverJid");
        this.users = Objects.requireNonNull(users, "users");
        this.rosters = Objects.requireNonNull(rosters, "rosters");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.enabled = enabled;
    }

    @Override
    public String namespace() {
        return Namespaces.REGISTER;
    }

    public boolean isEnabled() {
        return enabled;
    }

    /** A registration request on a stream that has not authenticated; returns the reply. */
    public IQ handleUnauthenticated(IQ request) {
        if (!enabled) {
            return IqErrors.error(request, PacketError.Condition.service_unavailable, serverJid);
        }
        if (request.getType() == IQ.Type.get) {
            IQ reply = IqErrors.result(request, serverJid);
            Element query = reply.setChildElement("query", Namespaces.REGISTER);
            query.addElement("instructions").setText("Choose a username and password to register with this server.");
            query.addElement("username");
            query.addElement("password");
            return reply;
        }
        Element query = request.getChildElement();
        if (query.element("remove") != null) {
            return IqErrors.error(request, PacketError.Condition.not_authorized, serverJid);
        }
        String username = query.elementText("username");
        String password = query.elementText("password");
        if (username == null || username.isBlank() || password == null || password.isEmpty()) {
            return IqErrors.error(request, PacketError.Condition.not_acceptable, serverJid);
        }
        try {
            users.createUser(username, password, query.elementText("name"), query.elementText("email"));
            LOG.info("Registered account '{}' in band", username);
            return IqErrors.result(request, serverJid);
        } catch (UserAlreadyExistsException e) {
            return IqErrors.error(request, PacketError.Condition.conflict, serverJid);
        } catch (IllegalArgumentException e) {
            return IqErrors.error(request, PacketError.Condition.not_acceptable, serverJid);
        }
    }

    @Override
    public IQ handle(IQ request, LocalClientSession session) {
        if (!enabled) {
            return IqErrors.error(request, PacketError.Condition.service_unavailable, serverJid);
        }
        if (request.getType() == IQ.Type.get) {
            IQ reply = IqErrors.result(request, serverJid);
            Element query = reply.setChildElement("query", Namespaces.REGISTER);
            query.addElement("registered");
            query.addElement("username").setText(session.username());
            return reply;
        }
        Element query = request.getChildElement();
        if (query.element("remove") != null) {
            return remove(request, session);
        }
        String username = query.elementText("username");
        String password = query.elementText("password");
        if (password == null || password.isEmpty() || (username != null && !username.isBlank()
                && !session.username().equals(safeNormalize(username)))) {
            return IqErrors.error(request, PacketError.Condition.bad_request, serverJid);
        }
        try {
            users.setPassword(session.username(), password);
            return IqErrors.result(request, serverJid);
        } catch (UserNotFoundException e) {
            return IqErrors.error(request, PacketError.Condition.item_not_found, serverJid);
        } catch (IllegalArgumentException e) {
            return IqErrors.error(request, PacketError.Condition.not_acceptable, serverJid);
        }
    }

    private IQ remove(IQ request, LocalClientSession session) {
        try {
            users.deleteUser(session.username());
        } catch (UserNotFoundException e) {
            return IqErrors.error(request, PacketError.Condition.item_not_found, serverJid);
        }
        rosters.evict(session.username());
        LOG.info("Account '{}' removed in band", session.username());
        IQ reply = IqErrors.result(request, serverJid);
        reply.setTo(session.address());
        session.deliver(reply);
        for (LocalClientSession other : sessions.getLocalSessions(session.address().toBareJID())) {
            other.closeWithError(StreamError.Condition.not_authorized, "The account was removed");
        }
        return null;
    }

    private static String safeNormalize(String username) {
        try {
            return UserManager.normalize(username);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }
}
