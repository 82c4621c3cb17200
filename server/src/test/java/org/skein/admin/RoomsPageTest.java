package org.skein.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.muc.MultiUserChatManager;
import org.jivesoftware.smackx.muc.packet.MUCUser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Resourcepart;
import org.skein.XmppServer;
import org.skein.c2s.SmackClients;
import org.skein.cluster.NodeID;
import org.skein.muc.MultiUserChat;
import org.skein.muc.MucService;
import org.skein.muc.RoomConfig;
import org.skein.testing.ClusteredNodes;

/**
 * The rooms page over real HTTP, on two nodes of the in-memory cluster: the console of one node lists
 * the rooms of the cluster, shows a room that runs on the other node with its occupants, changes its
 * configuration and destroys it (the occupants are told), refuses forms without the CSRF token, and
 * speaks German and Chinese.
 */
class RoomsPageTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void theConsoleOfAnyNodeListsShowsConfiguresAndDestroysTheClustersRooms() throws Exception {
        try (ClusteredNodes cluster = new ClusteredNodes(dir)) {
            Map<String, String> admin = Map.of("admin.enabled", "true", "admin.port", "0", "admin.initialPassword", "correct horse");
            XmppServer one = cluster.start("one", admin);
            XmppServer two = cluster.start("two", Map.of("admin.enabled", "true", "admin.port", "0"));
            MucService service = one.multiUserChat().service("conference.localhost").orElseThrow();
            // a room that runs on node two, and a few more
            String name = null;
            for (int i = 0; name == null; i++) {
                if (MultiUserChat.homeAmong("ops" + i + "@conference.localhost", List.of(NodeID.of("one"), NodeID.of("two")))
                        .equals(NodeID.of("two"))) {
                    name = "ops" + i;
                }
            }
            String room = name + "@conference.localhost";
            service.createRoom(name, RoomConfig.builder().name("Operations").persistent(true).build(), "admin@localhost").get();
            service.createRoom("coffee", RoomConfig.builder().name("Coffee corner").publicRoom(false).persistent(true).build(),
                    "admin@localhost").get();
            one.userManager().createUser("alice", "secret", "", "");
            try (SmackClients clients = new SmackClients(two)) {
                XMPPTCPConnection alice = clients.login("alice", "secret", "desk");
                List<Presence> seen = new CopyOnWriteArrayList<>();
                alice.addSyncStanzaListener(s -> seen.add((Presence) s), s -> s instanceof Presence p && p.getFrom() != null
                        && p.getFrom().toString().startsWith(room));
                MultiUserChatManager.getInstanceFor(alice).getMultiUserChat(JidCreate.entityBareFrom(room)).join(Resourcepart.from("alice"));

                ConsoleClient console = new ConsoleClient(one.adminConsole().port());
                assertThat(console.login("admin", "correct horse").statusCode()).isEqualTo(302);
                String list = console.get("/rooms").body();
                assertThat(list).contains("Rooms in the cluster: 2").contains("data-room=\"" + room + "\"")
                        .contains("Operations").contains("data-room=\"coffee@conference.localhost\"").contains("hidden");
                String search = console.get("/rooms?q=COFFEE").body();
                assertThat(search).contains("coffee@conference.localhost").doesNotContain("data-room=\"" + room + "\"");

                String page = console.get("/rooms/show?room=" + enc(room)).body();
                assertThat(page).contains("Runs on node two.").contains("data-nick=\"alice\"").contains("alice@localhost/desk @ two")
                        .contains("admin@localhost").contains("value=\"Operations\"");

                HttpResponse<String> forged = console.postRaw("/rooms/destroy", "room=" + enc(room));
                assertThat(forged.statusCode()).isEqualTo(403);
                assertThat(service.room(name).get()).isPresent();

                HttpResponse<String> configured = console.post("/rooms/configure", Map.of("room", room, "name", "Ops", "description",
                        "for operators", "persistent", "on", "publicRoom", "on", "password", "", "maxUsers", "10"));
                assertThat(configured.statusCode()).isEqualTo(302);
                assertThat(service.room(name).get().orElseThrow().config().name()).isEqualTo("Ops");
                assertThat(service.room(name).get().orElseThrow().config().maxUsers()).isEqualTo(10);
                assertThat(console.get("/rooms/show?room=" + enc(room)).body()).contains("The configuration of " + room + " was changed");

                HttpResponse<String> destroyed = console.post("/rooms/destroy", Map.of("room", room, "reason", "closing down",
                        "alternate", "coffee@conference.localhost"));
                assertThat(destroyed.statusCode()).isEqualTo(302);
                assertThat(console.get("/rooms").body()).contains("The room " + room + " was destroyed")
                        .doesNotContain("data-room=\"" + room + "\"");
                await().atMost(WAIT).until(() -> seen.stream().anyMatch(p -> MUCUser.from(p) != null && MUCUser.from(p).getDestroy() != null));
                assertThat(service.room(name).get()).isEmpty();
                assertThat(console.get("/rooms/show?room=" + enc(room)).statusCode()).isEqualTo(302);
                assertThat(console.get("/rooms").body()).contains("There is no room " + room);

                assertThat(console.get("/rooms", "de-DE,de;q=0.9").body()).contains("Gruppenchat-Räume").contains("Räume im Cluster: 1");
                console.get("/language?lang=zh-CN");
                assertThat(console.get("/rooms").body()).contains("群聊聊天室").contains("集群中的聊天室：1");
            }
        }
    }
}
