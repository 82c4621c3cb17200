package org.skein.admin;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import org.skein.cluster.ClusterTask;
import org.skein.cluster.TaskContext;
import org.skein.session.LocalClientSession;
import org.skein.session.SessionManager;
import org.xmpp.packet.JID;

/**
 * What the console's sessions page shows of a session's stream state, taken on the node that holds it:
 * whether stream management (XEP-0198) is on, how many stanzas the client has not acknowledged, whether
 * the session is detached (its connection is gone and it waits for the client to resume), and whether the
 * client said it is inactive (XEP-0352). These change with every stanza, so they are not written to the
 * shared {@code sessions.info} cache (no cluster write per stanza): the page asks each node for the
 * sessions it shows ({@link Task}).
 *
 * @param streamManagement whether stream management is enabled
 * @param unacknowledged stanzas sent and not acknowledged yet (0 without stream management)
 * @param detached whether the session waits for its client to resume
 * @param inactive whether the client said it is inactive
 */
public record SessionState(boolean streamManagement, int unacknowledged, boolean detached, boolean inactive)
        implements Serializable {

    /** The state of a session of this node. */
    static SessionState of(LocalClientSession session) {
        return new SessionState(session.isStreamManagementEnabled(), session.unacknowledgedCount(), session.isDetached(),
                session.isInactive());
    }

    /** Asks a node for the state of those of the given sessions (full JIDs) it holds; answers full JID → state. */
    public static final class Task implements ClusterTask<HashMap<String, SessionState>> {
        private static final long serialVersionUID = 1L;

        private final ArrayList<String> fullJids;

        Task(List<String> fullJids) {
            this.fullJids = new ArrayList<>(fullJids);
        }

        @Override
        public HashMap<String, SessionState> execute(TaskContext context) {
            SessionManager sessions = context.service(SessionManager.class);
            HashMap<String, SessionState> states = new HashMap<>();
            for (String fullJid : fullJids) {
                LocalClientSession session;
                try {
                    session = sessions.getLocalSession(new JID(fullJid));
                } catch (IllegalArgumentException e) {
                    continue;
                }
                if (session != null) {
                    states.put(fullJid, of(session));
                }
            }
            return states;
        }
    }
}
