package org.skein.hazelcast.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jxmpp.jid.impl.JidCreate;
import org.skein.XmppServer;
import org.skein.session.SessionManager;

/**
 * The small side of a split brain keeps serving its own users. When node three is cut off from nodes
 * one and two, the partitions of the clustered caches whose every copy was on one and two are gone
 * from three's view, with the entries of three's own sessions that lay in them. Three must put them
 * back: its users' bare JIDs still reach them (not offline storage), and its console's counts agree
 * ("in the cluster" is not less than "on this node").
 */
class SessionsThroughASplitIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int USERS = 24;

    @TempDir
    Path dir;

    private HazelcastNodes nodes;
    private final SmackLogins clients = new SmackLogins();

    @AfterEach
    void tearDown() throws Exception {
        clients.close();
        if (nodes != null) {
            nodes.close();
        }
    }

    @Test
    void theSmallSidesUsersStayRoutableAndCountedDuringTheSplit() throws Exception {
        nodes = new HazelcastNodes(dir, "one", "two", "three");
        Map<String, String> config = new HashMap<>();
        config.put("db.url", "jdbc:h2:mem:split-sessions-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        // the sides stay apart for the whole test: the merge is not what is checked here
        config.put("hazelcast.merge.firstRunDelay", "600s");
        config.put("hazelcast.merge.nextRunDelay", "600s");
        XmppServer one = nodes.start("one", config);
        XmppServer two = nodes.start("two", config);
        XmppServer three = nodes.start("three", config);
        await().atMost(WAIT).until(() -> three.clusterManager().getNodesInfo().size() == 3);

        List<XMPPTCPConnection> users = new ArrayList<>();
        List<List<Message>> inboxes = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            one.userManager().createUser("u" + i, "secret", "", "");
            List<Message> inbox = new CopyOnWriteArrayList<>();
            users.add(clients.login(three, "u" + i, "phone",
                    c -> c.addSyncStanzaListener(m -> inbox.add((Message) m), StanzaTypeFilter.MESSAGE)));
            inboxes.add(inbox);
        }
        await().atMost(WAIT).until(() -> one.sessionManager().getUserSessionsCount(false) == USERS);

        SplitBrain.split(Set.of(one, two), Set.of(three));
        await().atMost(WAIT).until(() -> three.clusterManager().getNodesInfo().size() == 1
                && one.clusterManager().getNodesInfo().size() == 2);

        // the console of the lone node: sessions on this node, in the cluster, and in the sessions list
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(three.sessionManager().getUserSessionsCount(true)).as("sessions on three").isEqualTo(USERS);
            assertThat(three.sessionManager().getUserSessionsCount(false)).as("sessions in three's cluster").isEqualTo(USERS);
            assertThat(three.cacheFactory().<String, Object>getCache(SessionManager.INFO_CACHE).orElseThrow().size())
                    .as("sessions listed by three's console").isEqualTo(USERS);
        });
        // every user of three is reached at the bare JID, live
        XMPPTCPConnection sender = users.get(0);
        for (int i = 1; i < USERS; i++) {
            sender.sendStanza(sender.getStanzaFactory().buildMessageStanza().to(JidCreate.entityBareFrom("u" + i + "@localhost"))
                    .ofType(Message.Type.chat).setBody("during the split " + i).build());
        }
        for (int i = 1; i < USERS; i++) {
            List<Message> inbox = inboxes.get(i);
            String body = "during the split " + i;
            await("u" + i + " got the message live").atMost(WAIT)
                    .until(() -> inbox.stream().anyMatch(m -> body.equals(m.getBody())));
        }
        assertThat(three.offlineMessageStore().count("u1")).as("messages parked offline for u1").isZero();
    }
}
