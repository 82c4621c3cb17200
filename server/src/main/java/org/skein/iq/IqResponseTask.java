package org.skein.iq;

import org.skein.cluster.ClusterTask;
import org.skein.cluster.TaskContext;
import org.skein.xmpp.stream.StanzaParser;
import org.xmpp.packet.IQ;
import org.xmpp.packet.Packet;

/**
 * Carries a response to a server request from the node the client is connected to, to the node that
 * asked (which the response's id names): see {@link IqRequests}, which the node registers for cluster
 * tasks. Holds only the response's XML.
 */
public record IqResponseTask(String xml) implements ClusterTask<Boolean> {

    private static final long serialVersionUID = 1L;

    @Override
    public Boolean execute(TaskContext context) {
        Packet packet = StanzaParser.parsePacket(xml);
        return packet instanceof IQ iq && context.service(IqRequests.class).complete(iq);
    }
}
