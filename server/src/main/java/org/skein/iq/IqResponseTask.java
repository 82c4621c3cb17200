package org.skein.iq;

import org.skein.ServerContext;
import org.skein.cluster.ClusterTask;
import org.skein.xmpp.stream.StanzaParser;
import org.xmpp.packet.IQ;
import org.xmpp.packet.Packet;

/**
 * Carries a response to a server request from the node the client is connected to, to the node that
 * asked (which the response's id names): see {@link IqRequests}. Holds only the response's XML.
 */
public record IqResponseTask(String xml) implements ClusterTask<Boolean> {

    private static final long serialVersionUID = 1L;

    @Override
    public Boolean execute(ServerContext node) {
        Packet packet = StanzaParser.parsePacket(xml);
        return packet instanceof IQ iq && node.iqRouter().requests().complete(iq);
    }
}
