package org.skein.version;

import java.util.Objects;
import org.dom4j.Element;
import org.skein.iq.IqErrors;
import org.skein.iq.IqHandler;
import org.skein.session.LocalClientSession;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.PacketError;

/**
 * Answers {@code jabber:iq:version} gets to the server (XEP-0092) with its name and version, and the
 * operating system if {@code os} is given; a set gets {@code bad-request}. Thread-safe.
 */
public final class SoftwareVersionHandler implements IqHandler {

    public static final String NAMESPACE = "jabber:iq:version";
    /** Whether the answer names the operating system (default {@code false}). */
    public static final String SHOW_OS_KEY = "xmpp.version.showOs";

    private final JID serverJid;
    private final String name;
    private final String version;
    private final String os;

    /**
     * @param os the operating system to name, {@code null} to leave it out
     */
    public SoftwareVersionHandler(JID serverJid, String name, String version, String os) {
        this.serverJid = Objects.requireNonNull(serverJid, "serverJid");
        this.name = Objects.requireNonNull(name, "name");
        this.version = Objects.requireNonNull(version, "version");
        this.os = os;
    }

    /** This JVM's operating system as XEP-0092 shows it: name and version, such as {@code Linux 6.1.0}. */
    public static String operatingSystem() {
        return System.getProperty("os.name", "unknown") + " " + System.getProperty("os.version", "");
    }

    @Override
    public String namespace() {
        return NAMESPACE;
    }

    @Override
    public IQ handle(IQ request, LocalClientSession session) {
        if (request.getType() != IQ.Type.get) {
            return IqErrors.error(request, PacketError.Condition.bad_request, serverJid);
        }
        IQ reply = IqErrors.result(request, serverJid);
        Element query = reply.setChildElement("query", NAMESPACE);
        query.addElement("name").setText(name);
        query.addElement("version").setText(version);
        if (os != null) {
            query.addElement("os").setText(os.trim());
        }
        return reply;
    }
}
