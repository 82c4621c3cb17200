package org.skein.c2s;

import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.packet.IQ;
import org.jxmpp.jid.Jid;

/**
 * An IQ with any child XML: for the requests a client library's managers would not send (another
 * user's data, malformed or reserved content), to check the server's errors.
 */
final class RawIq extends IQ {

    private final String inner;

    /**
     * @param inner the XML inside the child element ("" for an empty element)
     * @param to the address, {@code null} for the user's own server
     */
    RawIq(Type type, String element, String namespace, String inner, Jid to) {
        super(element, namespace);
        this.inner = inner;
        setType(type);
        setTo(to);
    }

    @Override
    protected IQChildElementXmlStringBuilder getIQChildElementBuilder(IQChildElementXmlStringBuilder xml) {
        if (inner.isEmpty()) {
            xml.setEmptyElement();
        } else {
            xml.rightAngleBracket();
            xml.append(inner);
        }
        return xml;
    }

    /** Sends the IQ and returns the answer; an error answer is thrown as {@code XMPPErrorException}. */
    static IQ send(XMPPConnection connection, IQ iq) throws Exception {
        return connection.createStanzaCollectorAndSend(iq).nextResultOrThrow();
    }
}
