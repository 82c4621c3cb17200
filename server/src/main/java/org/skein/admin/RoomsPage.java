package org.skein.admin;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.skein.muc.MucService;
import org.skein.muc.OccupantInfo;
import org.skein.muc.RoomConfig;
import org.skein.muc.RoomDetails;
import org.skein.muc.RoomSummary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.JID;

/**
 * The group chat rooms of the whole cluster (every service of the node): a list a page at a time,
 * searchable by a part of the room's JID or name; a room's page with its configuration, affiliations
 * and occupants (asked from the room's home, wherever it runs), where an operator changes the
 * configuration or destroys the room.
 */
final class RoomsPage implements AdminPage {

    private static final Logger LOG = LoggerFactory.getLogger(RoomsPage.class);

    static final int PAGE_SIZE = 50;
    /** How long the page waits for a room's home to answer. */
    private static final long WAIT_SECONDS = 10;

    @Override
    public void get(AdminExchange exchange, String subpath) throws IOException {
        if ("show".equals(subpath)) {
            show(exchange);
            return;
        }
        if (subpath != null) {
            exchange.error(404, exchange.message("error.notFound"));
            return;
        }
        String query = exchange.param("q");
        String needle = query.toLowerCase(Locale.ROOT);
        List<RoomSummary> all = new ArrayList<>();
        for (MucService service : exchange.node().multiUserChat().services()) {
            all.addAll(service.rooms());
        }
        List<RoomSummary> matching = new ArrayList<>();
        for (RoomSummary room : all) {
            if (needle.isEmpty() || room.room().toLowerCase(Locale.ROOT).contains(needle)
                    || room.name().toLowerCase(Locale.ROOT).contains(needle)) {
                matching.add(room);
            }
        }
        int pages = Math.max(1, (matching.size() + PAGE_SIZE - 1) / PAGE_SIZE);
        int page = Math.min(Math.max(0, parseInt(exchange.param("page"))), pages - 1);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (RoomSummary room : matching.subList(page * PAGE_SIZE, Math.min(matching.size(), (page + 1) * PAGE_SIZE))) {
            Map<String, Object> row = new HashMap<>();
            row.put("room", room.room());
            row.put("name", room.name());
            row.put("home", room.homeNode());
            row.put("local", room.homeNode().equals(exchange.node().nodeId().value()));
            row.put("active", room.active());
            row.put("persistent", room.persistent());
            row.put("publicRoom", room.publicRoom());
            row.put("membersOnly", room.membersOnly());
            row.put("passwordProtected", room.passwordProtected());
            rows.add(row);
        }
        List<String> services = exchange.node().multiUserChat().services().stream().map(MucService::domain).toList();
        Map<String, Object> model = new HashMap<>();
        model.put("rooms", rows);
        model.put("services", String.join(", ", services));
        model.put("query", query);
        model.put("total", all.size());
        model.put("matching", matching.size());
        model.put("page", page);
        model.put("pages", pages);
        model.put("hasPrevious", page > 0);
        model.put("hasNext", page + 1 < pages);
        exchange.render("rooms", model);
    }

    private void show(AdminExchange exchange) throws IOException {
        String room = exchange.param("room");
        Optional<MucService> service = service(exchange, room);
        if (service.isEmpty()) {
            exchange.redirect("/rooms", exchange.message("rooms.notFound", room));
            return;
        }
        Optional<RoomDetails> details;
        try {
            details = service.get().room(new JID(room).getNode()).get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOG.warn("Admin console: could not read room {}", room, e);
            exchange.redirect("/rooms", exchange.message("rooms.failed", room, reason(e)));
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.error(503, exchange.message("rooms.failed", room, "interrupted"));
            return;
        }
        if (details.isEmpty()) {
            exchange.redirect("/rooms", exchange.message("rooms.notFound", room));
            return;
        }
        RoomDetails d = details.get();
        List<Map<String, Object>> occupants = new ArrayList<>();
        for (OccupantInfo o : d.occupants()) {
            Map<String, Object> row = new HashMap<>();
            row.put("nick", o.nick());
            row.put("jid", o.bareJid());
            row.put("role", o.role().xmlValue());
            row.put("affiliation", o.affiliation().xmlValue());
            List<String> sessions = new ArrayList<>();
            for (OccupantInfo.Session s : o.sessions()) {
                sessions.add(s.jid() + " @ " + s.node());
            }
            row.put("sessions", sessions);
            occupants.add(row);
        }
        List<Map<String, Object>> affiliations = new ArrayList<>();
        d.affiliations().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            Map<String, Object> row = new HashMap<>();
            row.put("jid", e.getKey());
            row.put("affiliation", e.getValue().xmlValue());
            affiliations.add(row);
        });
        Map<String, Object> model = new HashMap<>();
        model.put("room", d.room());
        model.put("home", d.homeNode());
        model.put("local", d.homeNode().equals(exchange.node().nodeId().value()));
        model.put("config", d.config());
        model.put("subject", d.subject());
        model.put("locked", d.locked());
        model.put("occupants", occupants);
        model.put("affiliations", affiliations);
        exchange.render("room", model);
    }

    @Override
    public void post(AdminExchange exchange, String action) throws IOException {
        String room = exchange.param("room");
        Optional<MucService> service = service(exchange, room);
        if (service.isEmpty()) {
            exchange.redirect("/rooms", exchange.message("rooms.notFound", room));
            return;
        }
        String name = new JID(room).getNode();
        String back = "/rooms/show?room=" + URLEncoder.encode(room, StandardCharsets.UTF_8);
        try {
            switch (action) {
                case "destroy" -> {
                    String alternate = exchange.param("alternate");
                    boolean existed = service.get().destroyRoom(name, blankToNull(exchange.param("reason")), blankToNull(alternate))
                            .get(WAIT_SECONDS, TimeUnit.SECONDS);
                    LOG.info("Admin console: {} destroyed room {}", exchange.admin(), room);
                    exchange.redirect("/rooms", exchange.message(existed ? "rooms.destroyed" : "rooms.notFound", room));
                }
                case "configure" -> {
                    RoomDetails current = service.get().room(name).get(WAIT_SECONDS, TimeUnit.SECONDS).orElse(null);
                    if (current == null) {
                        exchange.redirect("/rooms", exchange.message("rooms.notFound", room));
                        return;
                    }
                    RoomConfig config = current.config().toBuilder()
                            .name(exchange.param("name"))
                            .description(exchange.param("description"))
                            .persistent(checked(exchange, "persistent"))
                            .publicRoom(checked(exchange, "publicRoom"))
                            .membersOnly(checked(exchange, "membersOnly"))
                            .moderated(checked(exchange, "moderated"))
                            .password(exchange.param("password"))
                            .maxUsers(parseNumber(exchange.param("maxUsers")))
                            .build();
                    service.get().configureRoom(name, config).get(WAIT_SECONDS, TimeUnit.SECONDS);
                    LOG.info("Admin console: {} changed the configuration of room {}", exchange.admin(), room);
                    exchange.redirect(back, exchange.message("rooms.configured", room));
                }
                default -> exchange.error(404, exchange.message("error.notFound"));
            }
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOG.warn("Admin console: {} on room {} failed", action, room, e);
            exchange.redirect(back, exchange.message("rooms.failed", room, reason(e)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.error(503, exchange.message("rooms.failed", room, "interrupted"));
        }
    }

    /** The service of a room JID on this node, if the JID is one. */
    private static Optional<MucService> service(AdminExchange exchange, String room) {
        try {
            JID jid = new JID(room);
            if (jid.getNode() == null || jid.getResource() != null) {
                return Optional.empty();
            }
            return exchange.node().multiUserChat().service(jid.getDomain());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static boolean checked(AdminExchange exchange, String name) {
        return "on".equals(exchange.param(name)) || "true".equals(exchange.param(name));
    }

    private static int parseNumber(String s) {
        if (s.isBlank()) {
            return 0;
        }
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number of occupants: '" + s + "'");
        }
    }

    private static String blankToNull(String s) {
        return s.isBlank() ? null : s;
    }

    private static String reason(Throwable e) {
        Throwable t = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    private static int parseInt(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
