package org.skein.session;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.dom4j.Element;
import org.skein.auth.LoginThrottle;
import org.skein.routing.PacketRouter;
import org.skein.xmpp.Namespaces;
import org.skein.xmpp.StanzaErrors;
import org.skein.xmpp.sasl.SaslFailure;
import org.skein.xmpp.sasl.SaslMechanism;
import org.skein.xmpp.sasl.SaslMechanisms;
import org.skein.xmpp.sasl.SaslStep;
import org.skein.xmpp.stream.StreamFault;
import org.skein.xmpp.stream.StreamFraming;
import org.skein.xmpp.stream.StreamHeader;
import org.skein.xmpp.stream.StreamWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.Message;
import org.xmpp.packet.Packet;
import org.xmpp.packet.PacketError;
import org.xmpp.packet.Presence;
import org.xmpp.packet.StreamError;

/**
 * One client's stream, from the first header to the end (RFC 6120 sections 4 to 7): answers headers
 * with the features of each step (STARTTLS; SASL mechanisms and in-band registration; resource binding
 * and the optional session), runs STARTTLS and SASL, binds the resource, and then hands every stanza,
 * with its {@code from} stamped, to the {@link PacketRouter}.
 *
 * <p>Rules it enforces: a stanza before authentication (other than an in-band registration request
 * when that is on) or before binding is a {@code not-authorized} stream error; a {@code from} that is
 * not the client's own JID is {@code invalid-from}; a malformed {@code to} gets a {@code jid-malformed}
 * stanza error. Every SASL exchange becomes a {@link LoginThrottle} attempt once the client has named
 * its account: its final answer, success or {@code not-authorized} alike, goes out only after the
 * attempt's delay (the decoder is paused meanwhile, so nothing else from the client is read), an
 * attempt the throttle refuses gets {@code temporary-auth-failure} at once, and after
 * {@code maxAuthFailures} wrong passwords the stream is closed with {@code policy-violation}.
 *
 * <p>Not thread-safe, by design: all its events run on the connection's serial executor.
 */
public final class ClientStream implements StreamHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ClientStream.class);
    /** Client state indication (XEP-0352). */
    static final String CSI_NAMESPACE = "urn:xmpp:csi:0";

    private final ClientConnection connection;
    private final StreamSettings settings;
    private final SaslMechanisms mechanisms;
    private final LoginThrottle throttle;
    private final SessionManager sessions;
    private final PacketRouter router;
    private final UnaryOperator<IQ> registration;
    private final SessionResumption resumption;
    private final JID serverJid;
    /** Whether the stream ended as it should (the client's end, or a stream error other than an idle timeout): no resumption. */
    private boolean endedCleanly;
    private boolean headerSent;
    private boolean closed;
    private String streamId;
    private String username;
    private SaslMechanism sasl;
    private LoginThrottle.Attempt attempt;
    /** An attempt whose answer is scheduled: given up if the client leaves before it. */
    private LoginThrottle.Attempt answering;
    private int authFailures;
    private LocalClientSession session;

    /**
     * @param registration answers {@code jabber:iq:register} requests before authentication
     */
    public ClientStream(ClientConnection connection, StreamSettings settings, SaslMechanisms mechanisms,
                        LoginThrottle throttle, SessionManager sessions, PacketRouter router, UnaryOperator<IQ> registration) {
        this(connection, settings, mechanisms, throttle, sessions, router, registration, null);
    }

    /**
     * @param resumption stream management (XEP-0198) and client state indication (XEP-0352), or {@code null}
     *        for neither (then a session ends with its connection)
     */
    public ClientStream(ClientConnection connection, StreamSettings settings, SaslMechanisms mechanisms,
                        LoginThrottle throttle, SessionManager sessions, PacketRouter router, UnaryOperator<IQ> registration,
                        SessionResumption resumption) {
        this.resumption = resumption;
        this.connection = Objects.requireNonNull(connection, "connection");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.mechanisms = Objects.requireNonNull(mechanisms, "mechanisms");
        this.throttle = Objects.requireNonNull(throttle, "throttle");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.router = Objects.requireNonNull(router, "router");
        this.registration = Objects.requireNonNull(registration, "registration");
        this.serverJid = new JID(null, settings.domain(), null, true);
    }

    // --- stream events ---

    @Override
    public void onHeader(StreamHeader header) {
        if (closed) {
            return;
        }
        streamId = UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        String replyTo = header.from().isEmpty() ? null : header.from();
        StreamFraming framing = connection.framing();
        String opening = framing.header(settings.domain(), streamId, replyTo, header.lang());
        headerSent = true;
        if (!Namespaces.CLIENT.equals(header.defaultNamespace())) {
            connection.send(opening);
            closeWithError(StreamError.Condition.invalid_namespace, "the stream's default namespace must be jabber:client");
            return;
        }
        if (!header.to().isEmpty() && !settings.domain().equalsIgnoreCase(header.to())) {
            connection.send(opening);
            closeWithError(StreamError.Condition.host_unknown, "this server serves " + settings.domain());
            return;
        }
        if (!header.version().startsWith("1.")) {
            connection.send(opening);
            closeWithError(StreamError.Condition.unsupported_version, "this server speaks XMPP 1.0");
            return;
        }
        connection.send(opening);
        connection.send(framing.features(features()));
    }

    @Override
    public void onElement(Element element) {
        if (closed) {
            return;
        }
        String ns = element.getNamespaceURI();
        if (Namespaces.TLS.equals(ns)) {
            startTls(element);
        } else if (Namespaces.SASL.equals(ns)) {
            sasl(element);
        } else if (Namespaces.CLIENT.equals(ns) && isStanza(element.getName())) {
            stanza(element);
        } else if (StreamManagement.NAMESPACE.equals(ns) && resumption != null && resumption.settings().enabled() && username != null) {
            streamManagement(element);
        } else if (CSI_NAMESPACE.equals(ns) && resumption != null && session != null
                && ("active".equals(element.getName()) || "inactive".equals(element.getName()))) {
            if ("active".equals(element.getName())) {
                session.clientActive();
            } else {
                session.clientInactive();
            }
        } else {
            fail(StreamError.Condition.unsupported_stanza_type, "<" + element.getName() + "/> in " + ns + " is not a stanza this server knows");
        }
    }

    @Override
    public void onEnd() {
        endedCleanly = true;
        if (!closed) {
            closed = true;
            connection.close();
        }
    }

    @Override
    public void onFault(StreamFault fault) {
        fail(fault.condition(), fault.text());
    }

    @Override
    public void onIdle() {
        fail(StreamError.Condition.connection_timeout, "the connection was idle for too long");
        endedCleanly = false; // a phone that went quiet may come back and resume
    }

    @Override
    public void onClosed() {
        closed = true;
        if (attempt != null) {
            attempt.abandoned();
            attempt = null;
        }
        if (answering != null) {
            answering.abandoned(); // frees its place at once; the scheduled answer finds the stream closed
            answering = null;
        }
        LocalClientSession ended = session;
        session = null;
        if (ended != null) {
            if (resumption != null) {
                resumption.connectionClosed(ended, connection, endedCleanly);
                return;
            }
            try {
                router.sessionClosed(ended);
            } catch (RuntimeException e) {
                LOG.warn("Cleaning up {} failed", ended, e);
            }
        }
    }

    // --- stream management (XEP-0198) ---

    private void streamManagement(Element element) {
        switch (element.getName()) {
            case "enable": {
                if (session == null) {
                    smFailed("unexpected-request", "bind a resource first");
                    return;
                }
                boolean resume = "true".equals(element.attributeValue("resume")) || "1".equals(element.attributeValue("resume"));
                long max = 0;
                try {
                    String value = element.attributeValue("max");
                    max = value == null ? 0 : Long.parseLong(value.trim());
                } catch (NumberFormatException e) {
                    max = 0; // a 'max' that is not a number: the server's own timeout
                }
                if (!resumption.enable(session, resume, max)) {
                    smFailed("unexpected-request", "stream management is enabled already");
                }
                return;
            }
            case "r":
                if (session != null) {
                    session.answerAckRequest();
                }
                return;
            case "a": {
                if (session == null || !session.isStreamManagementEnabled()) {
                    return; // nothing to acknowledge
                }
                long h;
                try {
                    h = StreamManagement.parseCount(element.attributeValue("h"));
                } catch (IllegalArgumentException e) {
                    fail(StreamError.Condition.invalid_xml, e.getMessage());
                    return;
                }
                if (!session.acknowledge(h)) {
                    fail(StreamError.Condition.undefined_condition, "the client acknowledged " + h + " stanzas, more than the server sent");
                }
                return;
            }
            case "resume":
                resume(element);
                return;
            default:
                fail(StreamError.Condition.unsupported_stanza_type, "<" + element.getName() + "/> is not a stream management element");
        }
    }

    private void resume(Element element) {
        if (session != null) {
            smFailed("unexpected-request", "this stream has a session already");
            return;
        }
        long h;
        try {
            h = StreamManagement.parseCount(element.attributeValue("h"));
        } catch (IllegalArgumentException e) {
            smFailed("bad-request", e.getMessage());
            return;
        }
        String previd = element.attributeValue("previd");
        LocalClientSession found = resumption.find(previd, username);
        if (found == null) {
            found = resumption.resumeFromCluster(previd, username, connection, streamId, h);
            if (found != null) {
                session = found;
                connection.loggedIn();
                return;
            }
        }
        if (found == null || !resumption.resume(found, connection, h)) {
            LOG.debug("{} asked to resume {}, which this node does not hold (or no longer)", connection.remoteAddress(),
                    element.attributeValue("previd"));
            smFailed("item-not-found", "there is no session to resume with this id here");
            return;
        }
        session = found;
        connection.loggedIn();
    }

    private void smFailed(String condition, String text) {
        connection.send("<failed xmlns='" + StreamManagement.NAMESPACE + "'><" + condition + " xmlns='" + Namespaces.STANZA_ERRORS
                + "'/><text xmlns='" + Namespaces.STANZA_ERRORS + "'>" + StreamWriter.escape(text) + "</text></failed>");
    }

    // --- negotiation ---

    private String features() {
        StringBuilder sb = new StringBuilder(256);
        if (username == null) {
            boolean secure = connection.isSecure();
            if (settings.tlsAvailable() && !secure && connection.framing().offersStartTls()) {
                sb.append("<starttls xmlns='").append(Namespaces.TLS).append("'>");
                if (settings.tlsRequired()) {
                    sb.append("<required/>");
                }
                sb.append("</starttls>");
            }
            if (secure || !settings.tlsRequired()) {
                sb.append("<mechanisms xmlns='").append(Namespaces.SASL).append("'>");
                for (String mechanism : mechanisms.offered(secure)) {
                    sb.append("<mechanism>").append(mechanism).append("</mechanism>");
                }
                sb.append("</mechanisms>");
                if (settings.registrationOffered()) {
                    sb.append("<register xmlns='").append(Namespaces.REGISTER_FEATURE).append("'/>");
                }
            }
        } else {
            sb.append("<bind xmlns='").append(Namespaces.BIND).append("'/>");
            sb.append("<session xmlns='").append(Namespaces.SESSION).append("'><optional/></session>");
            if (resumption != null) {
                if (resumption.settings().enabled()) {
                    sb.append("<sm xmlns='").append(StreamManagement.NAMESPACE).append("'/>");
                }
                sb.append("<csi xmlns='").append(CSI_NAMESPACE).append("'/>");
            }
        }
        return sb.toString();
    }

    private void startTls(Element element) {
        if ("starttls".equals(element.getName()) && settings.tlsAvailable() && !connection.isSecure() && username == null
                && connection.framing().offersStartTls()) {
            connection.startTls("<proceed xmlns='" + Namespaces.TLS + "'/>");
            headerSent = false;
            return;
        }
        closed = true;
        connection.send("<failure xmlns='" + Namespaces.TLS + "'/>");
        connection.close();
    }

    private void sasl(Element element) {
        String name = element.getName();
        if (username != null) {
            fail(StreamError.Condition.policy_violation, "the stream is authenticated already");
            return;
        }
        if (settings.tlsRequired() && !connection.isSecure()) {
            saslFailure(SaslFailure.ENCRYPTION_REQUIRED, "start TLS first");
            return;
        }
        switch (name) {
            case "auth": {
                String mechanism = element.attributeValue("mechanism", "");
                SaslMechanism created = mechanisms.create(mechanism, connection.isSecure()).orElse(null);
                if (created == null) {
                    saslFailure(SaslFailure.INVALID_MECHANISM, "mechanism '" + mechanism + "' is not offered");
                    return;
                }
                sasl = created;
                evaluate(element.getTextTrim());
                return;
            }
            case "response":
                if (sasl == null) {
                    saslFailure(SaslFailure.MALFORMED_REQUEST, "no authentication is in progress");
                    return;
                }
                evaluate(element.getTextTrim());
                return;
            case "abort":
                sasl = null;
                connection.send("<failure xmlns='" + Namespaces.SASL + "'><aborted/></failure>");
                return;
            default:
                fail(StreamError.Condition.unsupported_stanza_type, "<" + name + "/> is not a SASL element");
        }
    }

    private void evaluate(String text) {
        byte[] data;
        try {
            data = text.isEmpty() || text.equals("=") ? new byte[0] : Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            sasl = null;
            saslFailure(SaslFailure.INCORRECT_ENCODING, "the data is not base64");
            return;
        }
        SaslStep step;
        try {
            step = sasl.evaluate(data);
        } catch (RuntimeException e) {
            LOG.warn("SASL {} failed on the server side", sasl.name(), e);
            sasl = null;
            endAttempt();
            saslFailure(SaslFailure.TEMPORARY_AUTH_FAILURE, "the server could not check the credentials");
            return;
        }
        if (attempt == null && sasl.attemptedUsername() != null) {
            InetSocketAddress address = connection.remoteAddress();
            attempt = throttle.begin(LoginThrottle.clientKey(address == null ? null : address.getAddress()),
                    LoginThrottle.accountKey(sasl.attemptedUsername()));
            LOG.debug("Login attempt as '{}' from {}: answer in {} ms{}{}", sasl.attemptedUsername(), address, attempt.delay().toMillis(),
                    attempt.trustedClient() ? ", a known client" : "", attempt.refused() ? ", refused" : "");
            if (attempt.refused()) {
                attempt = null;
                sasl = null;
                LOG.info("Refused a login attempt as '{}' from {}: too many attempts for the account are under way",
                        step.username(), address);
                saslFailure(SaslFailure.TEMPORARY_AUTH_FAILURE, "too many login attempts for this account are under way; try again shortly");
                return;
            }
        }
        switch (step.kind()) {
            case CHALLENGE: {
                byte[] challenge = step.data();
                connection.send("<challenge xmlns='" + Namespaces.SASL + "'>"
                        + (challenge.length == 0 ? "=" : Base64.getEncoder().encodeToString(challenge)) + "</challenge>");
                connection.resumeParsing();
                return;
            }
            case SUCCESS: {
                sasl = null;
                String authenticated = step.username();
                byte[] extra = step.data();
                String success = "<success xmlns='" + Namespaces.SASL + "'>"
                        + (extra == null ? "" : Base64.getEncoder().encodeToString(extra)) + "</success>";
                answerOnSchedule(true, () -> {
                    username = authenticated;
                    headerSent = false;
                    connection.restartStream(success);
                });
                return;
            }
            default:
                sasl = null;
                if (step.isWrongCredentials()) {
                    wrongCredentials(step.username());
                } else {
                    endAttempt();
                    saslFailure(step.failure(), step.text());
                }
        }
    }

    /**
     * Sends the final answer of the attempt under way when its delay is over (at once if there is no
     * attempt or no delay left); the client's next bytes wait meanwhile, since the decoder pauses after
     * each SASL element until it is told to go on.
     */
    private void answerOnSchedule(boolean success, Runnable answer) {
        LoginThrottle.Attempt current = attempt;
        attempt = null;
        answering = current;
        Runnable send = () -> {
            answering = null;
            if (current != null) {
                if (closed) {
                    current.abandoned();
                } else if (success) {
                    current.succeeded();
                } else {
                    current.failed();
                }
            }
            if (!closed) {
                answer.run();
            }
        };
        Duration wait = current == null ? Duration.ZERO : current.remaining();
        if (wait.isZero()) {
            send.run();
        } else {
            connection.schedule(send, wait);
        }
    }

    private void endAttempt() {
        if (attempt != null) {
            attempt.failed();
            attempt = null;
        }
    }

    private void wrongCredentials(String triedUser) {
        authFailures++;
        boolean last = authFailures >= settings.maxAuthFailures();
        InetSocketAddress address = connection.remoteAddress();
        LOG.info("Failed authentication {} of {} from {} as '{}'; answering in {} ms", authFailures, settings.maxAuthFailures(),
                address, triedUser, attempt == null ? 0 : attempt.remaining().toMillis());
        answerOnSchedule(false, () -> {
            connection.send(failureXml(SaslFailure.NOT_AUTHORIZED, "wrong username or password"));
            if (last) {
                closeWithError(StreamError.Condition.policy_violation, "too many failed authentication attempts");
            } else {
                connection.resumeParsing();
            }
        });
    }

    private void saslFailure(SaslFailure failure, String text) {
        connection.send(failureXml(failure, text));
        connection.resumeParsing();
    }

    private static String failureXml(SaslFailure failure, String text) {
        StringBuilder sb = new StringBuilder(128);
        sb.append("<failure xmlns='").append(Namespaces.SASL).append("'><").append(failure.element()).append("/>");
        if (text != null && !text.isEmpty()) {
            sb.append("<text xml:lang='en'>").append(StreamWriter.escape(text)).append("</text>");
        }
        return sb.append("</failure>").toString();
    }

    // --- stanzas ---

    private static boolean isStanza(String name) {
        return "message".equals(name) || "presence".equals(name) || "iq".equals(name);
    }

    private void stanza(Element element) {
        if (username == null) {
            if ("iq".equals(element.getName()) && isRegistration(element)) {
                IQ reply = registration.apply(new IQ(element, true));
                reply.setTo((JID) null);
                connection.send(reply.toXML());
                return;
            }
            fail(StreamError.Condition.not_authorized, "authenticate before sending stanzas");
            return;
        }
        if (session == null) {
            if ("iq".equals(element.getName()) && "set".equals(element.attributeValue("type"))
                    && element.element(org.dom4j.QName.get("bind", Namespaces.BIND)) != null) {
                bind(element);
                return;
            }
            fail(StreamError.Condition.not_authorized, "bind a resource before sending stanzas");
            return;
        }
        session.stanzaReceived();
        String fromAttribute = element.attributeValue("from");
        if (fromAttribute != null && !isOwnJid(fromAttribute)) {
            fail(StreamError.Condition.invalid_from, "'" + fromAttribute + "' is not your address");
            return;
        }
        String toAttribute = element.attributeValue("to");
        JID to = null;
        if (toAttribute != null) {
            try {
                to = new JID(toAttribute);
            } catch (IllegalArgumentException e) {
                jidMalformed(element, toAttribute);
                return;
            }
        }
        Packet packet;
        switch (element.getName()) {
            case "message": packet = new Message(element, true); break;
            case "presence": packet = new Presence(element, true); break;
            default: packet = new IQ(element, true);
        }
        packet.setTo(to);
        packet.setFrom(session.address());
        try {
            router.route(packet, session);
        } catch (IllegalArgumentException e) {
            badRequest(element, e.getMessage());
        }
    }

    private boolean isRegistration(Element iq) {
        String to = iq.attributeValue("to");
        Element child = iq.elements().size() == 1 ? iq.elements().get(0) : null;
        return child != null && Namespaces.REGISTER.equals(child.getNamespaceURI())
                && (to == null || to.equalsIgnoreCase(settings.domain()))
                && ("get".equals(iq.attributeValue("type")) || "set".equals(iq.attributeValue("type")));
    }

    private boolean isOwnJid(String from) {
        try {
            JID jid = new JID(from);
            return jid.equals(session.address()) || (jid.getResource() == null && jid.toBareJID().equals(session.address().toBareJID()));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private void bind(Element element) {
        IQ request = new IQ(element, true);
        String resource = request.getChildElement().elementText("resource");
        try {
            session = sessions.bind(connection, username, resource, streamId);
        } catch (IllegalArgumentException e) {
            IQ error = IQ.createResultIQ(request);
            error.setTo((JID) null);
            error.setChildElement(request.getChildElement().createCopy());
            StanzaErrors.setError(error, PacketError.Condition.bad_request);
            connection.send(error.toXML());
            return;
        }
        IQ result = IQ.createResultIQ(request);
        result.setTo((JID) null);
        result.setFrom((JID) null);
        result.setChildElement("bind", Namespaces.BIND).addElement("jid").setText(session.address().toString());
        connection.send(result.toXML());
        connection.loggedIn();
        LOG.debug("Bound {} from {}", session.address(), connection.remoteAddress());
    }

    private void jidMalformed(Element element, String badTo) {
        if ("error".equals(element.attributeValue("type"))) {
            return;
        }
        Element copy = element.createCopy();
        copy.addAttribute("to", session.address().toString());
        copy.addAttribute("from", settings.domain());
        Packet error = wrap(copy);
        PacketError packetError = new PacketError(PacketError.Condition.jid_malformed, PacketError.Condition.jid_malformed.getDefaultType(),
                "'" + badTo + "' is not a valid JID");
        StanzaErrors.setError(error, packetError);
        session.sendStanzaXml(error.toXML());
    }

    private void badRequest(Element element, String text) {
        if ("error".equals(element.attributeValue("type"))) {
            return;
        }
        Element copy = element.createCopy();
        copy.addAttribute("to", session.address().toString());
        copy.addAttribute("from", settings.domain());
        Packet error = wrap(copy);
        StanzaErrors.setError(error, PacketError.Condition.bad_request, PacketError.Type.modify, text);
        session.sendStanzaXml(error.toXML());
    }

    private static Packet wrap(Element element) {
        switch (element.getName()) {
            case "message": return new Message(element, true);
            case "presence": return new Presence(element, true);
            default: return new IQ(element, true);
        }
    }

    private void fail(StreamError.Condition condition, String text) {
        if (closed) {
            return;
        }
        if (!headerSent) {
            connection.send(connection.framing().header(settings.domain(), streamId == null ? "error" : streamId, null, null));
            headerSent = true;
        }
        closeWithError(condition, text);
    }

    private void closeWithError(StreamError.Condition condition, String text) {
        closed = true;
        endedCleanly = true;
        LOG.debug("Closing the stream of {} with {}: {}", connection.remoteAddress(), condition.toXMPP(), text);
        connection.closeWithError(condition, text);
    }
}
