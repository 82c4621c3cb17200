package com.example.clusterevents;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.skein.ServerContext;
import org.skein.muc.MucService;
import org.skein.muc.RoomConfig;
import org.skein.muc.RoomDetails;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A group chat room of the plugin, {@value #NAME} on the node's first group chat service, created
 * (persistent, moderated, owned by the server's {@code admin} account) if it does not exist yet, whose
 * subject is the last cluster event one of the nodes heard. Uses only the server's plugin API
 * ({@link MucService}): the room may run on any node of the cluster, and the calls return futures, so
 * the plugin never waits for another node on the cluster event thread. Without a group chat service it
 * does nothing.
 */
final class EventRoom {

    private static final Logger LOG = LoggerFactory.getLogger(EventRoom.class);
    static final String NAME = "cluster-events";

    private final ServerContext node;

    EventRoom(ServerContext node) {
        this.node = node;
    }

    private Optional<MucService> service() {
        return node.multiUserChat().services().stream().findFirst();
    }

    /** Creates the room unless it exists (every node tries; the room's home lets one win). */
    void open() {
        service().ifPresent(service -> service.room(NAME).thenCompose(existing -> existing.isPresent()
                        ? java.util.concurrent.CompletableFuture.completedFuture(existing.get())
                        : service.createRoom(NAME, RoomConfig.builder().name("Cluster events").persistent(true).moderated(true)
                                .description("The last cluster event a node heard is the subject").build(), "admin@" + node.xmppDomain()))
                .whenComplete((room, error) -> {
                    if (error != null && !(error.getCause() instanceof IllegalStateException)) {
                        LOG.warn("Could not open the room {}: {}", NAME, error.toString());
                    }
                }));
    }

    /** Makes an event the room's subject, naming the node that heard it. */
    void announce(String event) {
        service().ifPresent(service -> service.setSubject(NAME, event + " (heard by " + node.nodeId().value() + ")")
                .whenComplete((room, error) -> {
                    if (error != null) {
                        LOG.debug("Could not announce {} in the room {}: {}", event, NAME, error.toString());
                    }
                }));
    }

    /** The room as the admin page shows it: its address, subject and occupants, or why there is none. */
    Map<String, String> describe() {
        Map<String, String> room = new LinkedHashMap<>();
        Optional<MucService> service = service();
        if (service.isEmpty()) {
            room.put("room", "no group chat service");
            return room;
        }
        try {
            Optional<RoomDetails> details = service.get().room(NAME).get(5, TimeUnit.SECONDS);
            room.put("room", NAME + "@" + service.get().domain());
            room.put("subject", details.map(RoomDetails::subject).orElse(""));
            room.put("home", details.map(RoomDetails::homeNode).orElse(""));
            room.put("occupants", details.map(d -> Integer.toString(d.occupants().size())).orElse("0"));
        } catch (Exception e) {
            room.put("room", "not reachable: " + e);
        }
        return room;
    }
}
