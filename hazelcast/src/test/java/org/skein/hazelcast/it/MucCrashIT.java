package org.skein.hazelcast.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jivesoftware.smack.filter.FromMatchesFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.muc.MultiUserChatManager;
import org.jivesoftware.smackx.muc.packet.MUCUser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Resourcepart;
import org.skein.cluster.NodeID;
import org.skein.muc.MultiUserChat;

/**
 * Group chat through {@code kill -9} of a node, with three node JVMs and real Smack clients: every
 * remaining occupant gets exactly one unavailable presence with status 333 for each occupant that was
 * on the dead node, within the bound of 2 s, whether the dead node held occupants only or was
 * the room's home; the others stay in the room without rejoining and the next message reaches every
 * survivor. The nodes' logs of the last run are kept in {@code target/muc-crash-logs/}.
 */
class MucCrashIT {

    private static final String DOMAIN = ProcessCluster.DOMAIN;
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** The bound for the 333 presences after a kill -9. */
    private static final Duration LEAVE_BOUND = Duration.ofSeconds(2);
    private static final List<String> NODES = List.of("m1", "m2", "m3");

    @TempDir
    Path dir;

    private ProcessCluster cluster;
    private XmppClients clients;

    @AfterEach
    void stop() throws Exception {
        if (clients != null) {
            clients.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private void startThreeNodes(String... users) throws Exception {
        cluster = new ProcessCluster(dir, Path.of("target", "muc-crash-logs"), NODES.toArray(String[]::new));
        cluster.createUsers(users);
        cluster.start(NODES.toArray(String[]::new));
        cluster.awaitMembers(Duration.ofSeconds(120), NODES.toArray(String[]::new));
        clients = new XmppClients(DOMAIN, cluster.certificate());
    }

    /** A room name whose home among the three nodes is {@code home} (rooms start on the rendezvous winner). */
    private static String roomRunBy(String home, String prefix) {
        List<NodeID> members = NODES.stream().map(NodeID::of).toList();
        for (int i = 0; ; i++) {
            String room = prefix + i + "@conference." + DOMAIN;
            if (MultiUserChat.homeAmong(room, members).value().equals(home)) {
                return room;
            }
        }
    }

    /** What a client receives from the room, with the time it arrived. */
    private record Seen(Presence presence, long at) {
    }

    private XMPPTCPConnection occupant(String node, String user, String room, List<Seen> seen) throws Exception {
        XMPPTCPConnection client = clients.client(cluster.c2sPort(node), user, user, "r");
        client.connect().login();
        FromMatchesFilter fromRoom = FromMatchesFilter.create(JidCreate.from(room));
        client.addSyncStanzaListener(s -> seen.add(new Seen((Presence) s, System.currentTimeMillis())),
                s -> s instanceof Presence && fromRoom.accept(s));
        org.jivesoftware.smackx.muc.MultiUserChat.MucCreateConfigFormHandle created = MultiUserChatManager.getInstanceFor(client)
                .getMultiUserChat(JidCreate.entityBareFrom(room)).createOrJoin(Resourcepart.from(user));
        if (created != null) {
            created.makeInstant();
        }
        return client;
    }

    private static List<Seen> left(List<Seen> seen, String nick) {
        return seen.stream().filter(s -> s.presence().getType() == Presence.Type.unavailable
                && s.presence().getFrom().getResourceOrEmpty().toString().equals(nick)).toList();
    }

    private static List<Message> groupchat(XMPPTCPConnection client, String room) throws Exception {
        List<Message> inbox = new CopyOnWriteArrayList<>();
        FromMatchesFilter fromRoom = FromMatchesFilter.create(JidCreate.from(room));
        client.addSyncStanzaListener(s -> inbox.add((Message) s),
                s -> s instanceof Message m && m.getType() == Message.Type.groupchat && m.getBody() != null && fromRoom.accept(s));
        return inbox;
    }

    private static void say(XMPPTCPConnection client, String room, String body) throws Exception {
        client.sendStanza(client.getStanzaFactory().buildMessageStanza().to(JidCreate.from(room)).ofType(Message.Type.groupchat)
                .setBody(body).build());
    }

    /**
     * Kills {@code victim} and checks what the survivors saw: one 333 per occupant of the victim, within
     * the bound, nobody else leaving, and the room carrying the next message to every survivor.
     */
    private void killAndCheck(String victim, String room, Map<String, XMPPTCPConnection> survivors, Map<String, List<Seen>> seen,
                              List<String> victimOccupants) throws Exception {
        Map<String, List<Message>> inboxes = new ConcurrentHashMap<>();
        for (Map.Entry<String, XMPPTCPConnection> s : survivors.entrySet()) {
            inboxes.put(s.getKey(), groupchat(s.getValue(), room));
        }
        long killedAt = System.currentTimeMillis();
        cluster.node(victim).kill();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> survivors.keySet().stream()
                .allMatch(user -> victimOccupants.stream().allMatch(nick -> !left(seen.get(user), nick).isEmpty())));
        for (String user : survivors.keySet()) {
            for (String nick : victimOccupants) {
                Seen gone = left(seen.get(user), nick).get(0);
                long took = gone.at() - killedAt;
                System.out.printf("%s saw %s leave %d ms after node %s was killed%n", user, nick, took, victim);
                assertThat(MUCUser.from(gone.presence()).getStatus()).contains(MUCUser.Status.create(333));
                assertThat(took).as("ms until %s saw %s leave", user, nick).isLessThan(LEAVE_BOUND.toMillis());
            }
        }
        XMPPTCPConnection speaker = survivors.values().iterator().next();
        say(speaker, room, "after the kill");
        await().atMost(WAIT).until(() -> inboxes.values().stream().allMatch(inbox -> inbox.stream()
                .anyMatch(m -> "after the kill".equals(m.getBody()))));
        for (String user : survivors.keySet()) {
            for (String nick : victimOccupants) {
                assertThat(left(seen.get(user), nick)).as("unavailable presences of %s seen by %s", nick, user).hasSize(1);
            }
            for (String other : survivors.keySet()) {
                assertThat(left(seen.get(user), other)).as("%s saw %s leave", user, other).isEmpty();
            }
        }
    }

    @Test
    void killingANodeWithOccupantsTellsEveryoneElseOnceWith333AndTheRoomGoesOn() throws Exception {
        startThreeNodes("a", "b", "c", "d");
        String room = roomRunBy("m1", "occupants");
        Map<String, List<Seen>> seen = new ConcurrentHashMap<>();
        for (String u : List.of("a", "b", "c", "d")) {
            seen.put(u, new CopyOnWriteArrayList<>());
        }
        XMPPTCPConnection a = occupant("m1", "a", room, seen.get("a"));
        XMPPTCPConnection b = occupant("m2", "b", room, seen.get("b"));
        occupant("m3", "c", room, seen.get("c"));
        occupant("m3", "d", room, seen.get("d"));
        await().atMost(WAIT).until(() -> MultiUserChatManager.getInstanceFor(b).getMultiUserChat(JidCreate.entityBareFrom(room))
                .getOccupantsCount() == 4);
        killAndCheck("m3", room, Map.of("a", a, "b", b), seen, List.of("c", "d"));
    }

    @Test
    void killingTheRoomsHomeKeepsTheOthersInTheRoomWithoutRejoining() throws Exception {
        startThreeNodes("a", "b", "c");
        String room = roomRunBy("m3", "home");
        Map<String, List<Seen>> seen = new ConcurrentHashMap<>();
        for (String u : List.of("a", "b", "c")) {
            seen.put(u, new CopyOnWriteArrayList<>());
        }
        XMPPTCPConnection a = occupant("m1", "a", room, seen.get("a"));
        XMPPTCPConnection b = occupant("m2", "b", room, seen.get("b"));
        occupant("m3", "c", room, seen.get("c"));
        await().atMost(WAIT).until(() -> MultiUserChatManager.getInstanceFor(b).getMultiUserChat(JidCreate.entityBareFrom(room))
                .getOccupantsCount() == 3);
        killAndCheck("m3", room, Map.of("a", a, "b", b), seen, List.of("c"));
        assertThat(MultiUserChatManager.getInstanceFor(a).getMultiUserChat(JidCreate.entityBareFrom(room)).isJoined()).isTrue();
    }
}
