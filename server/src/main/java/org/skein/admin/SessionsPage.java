package org.skein.admin;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.skein.cluster.ClusterTaskResults;
import org.skein.cluster.NodeID;
import org.skein.session.ClientSession;
import org.skein.session.SessionInfo;
import org.skein.session.SessionManager;
import org.skein.xmpp.stream.StanzaParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.JID;
import org.xmpp.packet.Presence;
import org.xmpp.packet.StreamError;

/**
 * The client sessions of the whole cluster (read from the {@code sessions.info} cache, which every
 * node writes for the sessions it holds), a page at a time and searchable by a part of the JID; an
 * operator may close any of them, on this node or, through the clustering plugin, on another. The stream
 * state of the sessions shown (stream management, unacknowledged stanzas, detached, client state) is asked
 * of the nodes that hold them ({@link SessionState.Task}), since it changes with every stanza.
 */
final class SessionsPage implements AdminPage {

    private static final Logger LOG = LoggerFactory.getLogger(SessionsPage.class);

    static final int PAGE_SIZE = 50;
    /** What the client reads in the stream error; the console's own message is localised. */
    static final String CLOSE_TEXT = "Closed by an administrator";

    @Override
    public void get(AdminExchange exchange, String subpath) throws IOException {
        if (subpath != null) {
            exchange.error(404, exchange.message("error.notFound"));
            return;
        }
        SessionManager sessions = exchange.node().sessionManager();
        String query = exchange.param("q");
        String needle = query.toLowerCase(Locale.ROOT);
        List<Map.Entry<JID, SessionInfo>> matching = new ArrayList<>();
        Map<JID, SessionInfo> all = sessions.allSessionInfos();
        for (Map.Entry<JID, SessionInfo> entry : all.entrySet()) {
            if (needle.isEmpty() || entry.getKey().toString().toLowerCase(Locale.ROOT).contains(needle)) {
                matching.add(entry);
            }
        }
        int pages = Math.max(1, (matching.size() + PAGE_SIZE - 1) / PAGE_SIZE);
        int page = Math.min(Math.max(0, parseInt(exchange.param("page"))), pages - 1);
        NodeID here = exchange.node().nodeId();
        List<Map.Entry<JID, SessionInfo>> shown = matching.subList(page * PAGE_SIZE, Math.min(matching.size(), (page + 1) * PAGE_SIZE));
        Map<String, SessionState> states = states(exchange, shown);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Map.Entry<JID, SessionInfo> entry : shown) {
            Map<String, Object> row = row(entry.getKey(), entry.getValue(), here);
            stateColumns(row, states.get(entry.getKey().toString()));
            rows.add(row);
        }
        Map<String, Object> model = new HashMap<>();
        model.put("sessions", rows);
        model.put("query", query);
        model.put("total", all.size());
        model.put("matching", matching.size());
        model.put("page", page);
        model.put("pages", pages);
        model.put("hasPrevious", page > 0);
        model.put("hasNext", page + 1 < pages);
        model.put("localCount", sessions.getUserSessionsCount(true));
        exchange.render("sessions", model);
    }

    private static Map<String, Object> row(JID jid, SessionInfo info, NodeID here) {
        Map<String, Object> row = new HashMap<>();
        row.put("jid", jid.toString());
        row.put("node", info.node().value());
        row.put("local", info.node().equals(here));
        // InetSocketAddress.toString() of an unresolved peer starts with "/"
        row.put("address", info.clientAddress().startsWith("/") ? info.clientAddress().substring(1) : info.clientAddress());
        row.put("since", Formats.time(info.created()));
        row.put("transport", "websocket".equals(info.transport()) ? "websocket" : "tcp");
        Presence presence = presence(info);
        if (presence == null) {
            row.put("show", "none");
            row.put("status", "");
        } else if (presence.getType() == Presence.Type.unavailable) {
            row.put("show", "unavailable");
            row.put("status", nullToEmpty(presence.getStatus()));
        } else {
            row.put("show", presence.getShow() == null ? "available" : presence.getShow().name());
            row.put("status", nullToEmpty(presence.getStatus()));
        }
        return row;
    }

    /**
     * The stream state of the shown sessions, asked of every node (each answers for the sessions it holds) with
     * the node table's timeout; a node that does not answer leaves its sessions' state unknown.
     */
    private static Map<String, SessionState> states(AdminExchange exchange, List<Map.Entry<JID, SessionInfo>> shown) {
        if (shown.isEmpty()) {
            return Map.of();
        }
        List<String> jids = new ArrayList<>();
        shown.forEach(entry -> jids.add(entry.getKey().toString()));
        Duration timeout = exchange.node().config().getDuration("admin.nodeStatusTimeout", Duration.ofSeconds(2));
        Map<String, SessionState> states = new HashMap<>();
        try {
            ClusterTaskResults<HashMap<String, SessionState>> results = exchange.node().clusterManager()
                    .doSynchronousClusterTask(new SessionState.Task(jids), true, timeout == null ? Duration.ofSeconds(2) : timeout);
            results.results().values().forEach(states::putAll);
            results.failures().forEach((node, why) -> LOG.debug("Node {} did not tell its sessions' state: {}", node, why.toString()));
        } catch (RuntimeException e) {
            LOG.debug("Could not ask the nodes for their sessions' state", e);
        }
        return states;
    }

    /** The columns of the session's stream state: {@code sm}, {@code unacked}, {@code detached}, {@code csi}. */
    private static void stateColumns(Map<String, Object> row, SessionState state) {
        row.put("stateKnown", state != null);
        row.put("sm", state != null && state.streamManagement());
        row.put("unacked", state == null ? 0 : state.unacknowledged());
        row.put("detached", state != null && state.detached());
        row.put("csi", state == null ? "unknown" : state.inactive() ? "inactive" : "active");
    }

    /** The session's last presence, or null before its first (or if the stored XML cannot be read). */
    private static Presence presence(SessionInfo info) {
        if (info.presenceXml().isEmpty()) {
            return null;
        }
        try {
            return StanzaParser.parsePacket(info.presenceXml()) instanceof Presence p ? p : null;
        } catch (RuntimeException e) {
            LOG.debug("Unreadable presence in sessions.info: {}", info.presenceXml(), e);
            return null;
        }
    }

    @Override
    public void post(AdminExchange exchange, String action) throws IOException {
        if (!action.equals("close")) {
            exchange.error(404, exchange.message("error.notFound"));
            return;
        }
        String back = "/sessions?q=" + URLEncoder.encode(exchange.param("q"), StandardCharsets.UTF_8)
                + "&page=" + Math.max(0, parseInt(exchange.param("page")));
        String given = exchange.param("jid");
        JID jid;
        try {
            jid = new JID(given);
        } catch (IllegalArgumentException e) {
            exchange.redirect(back, exchange.message("sessions.badJid", given));
            return;
        }
        if (jid.getResource() == null) {
            exchange.redirect(back, exchange.message("sessions.badJid", given));
            return;
        }
        SessionManager sessions = exchange.node().sessionManager();
        ClientSession session;
        try {
            session = sessions.getSession(jid);
        } catch (RuntimeException e) {
            LOG.warn("Admin console: could not look up the session {}", jid, e);
            exchange.redirect(back, exchange.message("sessions.closeFailed", jid, e.getMessage()));
            return;
        }
        if (session == null) {
            SessionInfo info = sessions.getSessionInfo(jid);
            if (info != null && !info.node().equals(exchange.node().nodeId())) {
                // listed in sessions.info, but no remote session locator answers for its node
                exchange.redirect(back, exchange.message("sessions.remoteUnreachable", jid, info.node().value()));
            } else {
                exchange.redirect(back, exchange.message("sessions.gone", jid));
            }
            return;
        }
        try {
            session.close(StreamError.Condition.policy_violation, CLOSE_TEXT);
        } catch (RuntimeException e) {
            LOG.warn("Admin console: could not close the session {} on node {}", jid, session.node(), e);
            exchange.redirect(back, exchange.message("sessions.closeFailed", jid, e.getMessage()));
            return;
        }
        LOG.info("Admin console: {} closed the session {} on node {}", exchange.admin(), jid, session.node());
        exchange.redirect(back, exchange.message("sessions.closed", jid, session.node().value()));
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    private static int parseInt(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
