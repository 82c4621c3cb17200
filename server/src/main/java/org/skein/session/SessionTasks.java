package org.skein.session;

import java.util.HashSet;
import org.skein.cluster.ClusterTask;
import org.skein.cluster.TaskContext;
import org.skein.xmpp.stream.StanzaParser;
import org.xmpp.packet.JID;
import org.xmpp.packet.StreamError;

/**
 * The cluster tasks of the session manager. Each carries only strings (a JID, an error condition, a
 * stanza's XML), so it travels between nodes without any XMPP library class, and runs on the target
 * node against that node's {@link SessionManager}, which the node registers for cluster tasks.
 */
final class SessionTasks {

    private SessionTasks() {
    }

    /** Closes the session with this full JID on the node it runs on; answers whether there was one. */
    record Close(String fullJid, String condition, String text) implements ClusterTask<Boolean> {
        @Override
        public Boolean execute(TaskContext context) {
            StreamError.Condition parsed = StreamError.Condition.fromXMPP(condition);
            return context.service(SessionManager.class).closeLocalSession(new JID(fullJid), parsed, text);
        }
    }

    /**
     * Hands the resumable session with this stream management id over to the node {@code to}, where its client
     * resumes (see {@link SessionResumption}); answers with its state or why not.
     */
    record HandOver(String previd, String username, long h, org.skein.cluster.NodeID to) implements ClusterTask<SessionHandOver.Answer> {
        @Override
        public SessionHandOver.Answer execute(TaskContext context) {
            return context.service(SessionResumption.class).handOver(previd, username, h, to);
        }
    }

    /** How many client sessions the node it runs on holds. */
    record CountSessions() implements ClusterTask<Integer> {
        @Override
        public Integer execute(TaskContext context) {
            return context.service(SessionManager.class).getUserSessionsCount(true);
        }
    }

    /** The bare JIDs of the users with a session on the node it runs on. */
    record LocalUsers() implements ClusterTask<HashSet<String>> {
        @Override
        public HashSet<String> execute(TaskContext context) {
            return context.service(SessionManager.class).localUsers();
        }
    }

    /** Delivers a stanza (a server announcement) to every session of the node it runs on. */
    record Broadcast(String xml) implements ClusterTask<Integer> {
        @Override
        public Integer execute(TaskContext context) {
            return context.service(SessionManager.class).broadcastLocally(StanzaParser.parsePacket(xml));
        }
    }
}
