package org.skein.hazelcast.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.mam.MamManager;
import org.jivesoftware.smackx.mam.element.MamElements.MamResultExtension;
import org.jivesoftware.smackx.sid.element.StanzaIdElement;
import org.jivesoftware.smackx.xdata.FormField;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jxmpp.jid.impl.JidCreate;
import org.skein.XmppServer;
import org.skein.mam.ArchiveFilter;

/**
 * The message archive on three nodes with real Hazelcast members and real Smack clients, sharing one
 * database: a message routed by any node is in the archive, once, from every node as soon as the
 * recipient has it; a client paging with {@code after} while three nodes keep archiving loses nothing
 * and sees nothing twice; a room's messages are archived once by its home and read from every node.
 */
class MamClusterIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private HazelcastNodes nodes;
    private final SmackLogins clients = new SmackLogins();
    private ExecutorService senders;

    @AfterEach
    void tearDown() throws Exception {
        if (senders != null) {
            senders.shutdownNow();
        }
        clients.close();
        if (nodes != null) {
            nodes.close();
        }
    }

    private List<XmppServer> start() throws Exception {
        String[] names = {"one", "two", "three"};
        nodes = new HazelcastNodes(dir, names);
        Map<String, String> config = new HashMap<>();
        config.put("db.url", "jdbc:h2:mem:mam-it-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        config.put("xmpp.sasl.failureDelay", "20ms");
        List<XmppServer> started = new ArrayList<>();
        for (String name : names) {
            started.add(nodes.start(name, config));
        }
        await().atMost(WAIT).until(() -> started.get(0).clusterManager().getNodesInfo().size() == names.length);
        for (String user : List.of("s0", "s1", "s2", "bob")) {
            started.get(0).userManager().createUser(user, "secret", "", "");
        }
        return started;
    }

    private static String stanzaId(Message message) {
        return message.getExtensions(StanzaIdElement.ELEMENT, StanzaIdElement.NAMESPACE).stream()
                .map(e -> (StanzaIdElement) e).filter(e -> e.getBy().equals("bob@localhost")).findFirst().orElseThrow().getId();
    }

    private static Message chat(XMPPTCPConnection from, String body) throws Exception {
        return from.getStanzaFactory().buildMessageStanza().to(JidCreate.from("bob@localhost")).ofType(Message.Type.chat)
                .setBody(body).build();
    }

    @Test
    void aMessageRoutedByAnyNodeIsInTheArchiveOnceFromEveryNodeAsSoonAsTheRecipientHasIt() throws Exception {
        List<XmppServer> all = start();
        List<XMPPTCPConnection> sending = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            sending.add(clients.login(all.get(i), "s" + i, "r"));
        }
        List<Message> inbox = new CopyOnWriteArrayList<>();
        XMPPTCPConnection bob = clients.login(all.get(1), "bob", "phone", c -> c.addSyncStanzaListener(
                s -> inbox.add((Message) s), s -> s instanceof Message m && m.getBody() != null
                        && m.getExtension(MamResultExtension.QNAME) == null));
        // bob's other devices, on the other nodes: each gets a copy, the archive keeps one
        XMPPTCPConnection onOne = clients.login(all.get(0), "bob", "laptop");
        XMPPTCPConnection onThree = clients.login(all.get(2), "bob", "tablet");
        await().atMost(WAIT).until(() -> all.stream().allMatch(n -> n.routingTable().routesOf("bob@localhost").size() == 3));

        senders = Executors.newFixedThreadPool(3);
        int perSender = 20;
        List<Future<?>> sent = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            XMPPTCPConnection from = sending.get(i);
            String name = "s" + i;
            sent.add(senders.submit(() -> {
                for (int m = 0; m < perSender; m++) {
                    from.sendStanza(chat(from, name + "-" + m));
                }
                return null;
            }));
        }
        int checked = 0;
        while (checked < 3 * perSender) {
            int next = checked;
            await().atMost(WAIT).until(() -> inbox.size() > next);
            Message received = inbox.get(checked);
            String id = stanzaId(received);
            // at once, no waiting: both other nodes answer with it
            for (XMPPTCPConnection asking : List.of(onOne, onThree)) {
                MamManager.MamQuery found = MamManager.getInstanceFor(asking).queryArchive(MamManager.MamQueryArgs.builder()
                        .withAdditionalFormField(FormField.textMultiBuilder("ids").addValue(id).build()).build());
                assertThat(found.getMessages()).extracting(Message::getBody).containsExactly(received.getBody());
                assertThat(found.getMamResultExtensions()).extracting(MamResultExtension::getId).containsExactly(id);
            }
            checked++;
        }
        for (Future<?> f : sent) {
            f.get();
        }

        MamManager.MamQuery everything = MamManager.getInstanceFor(onThree).queryArchive(MamManager.MamQueryArgs.builder()
                .setResultPageSizeTo(250).build());
        assertThat(everything.isComplete()).isTrue();
        List<String> ids = everything.getMamResultExtensions().stream().map(MamResultExtension::getId).toList();
        assertThat(ids).hasSize(3 * perSender).doesNotHaveDuplicates().isSorted();
        assertThat(new HashSet<>(ids)).isEqualTo(new HashSet<>(inbox.stream().map(MamClusterIT::stanzaId).toList()));
        assertThat(all.get(2).messageArchive().store().count(ArchiveFilter.all("bob"))).isEqualTo(3 * perSender);
        for (int i = 0; i < 3; i++) {
            assertThat(all.get(i).messageArchive().store().count(ArchiveFilter.all("s" + i))).isEqualTo(perSender);
        }
        // each sender's messages in the order sent
        for (int i = 0; i < 3; i++) {
            String prefix = "s" + i + "-";
            assertThat(everything.getMessages().stream().map(Message::getBody).filter(b -> b.startsWith(prefix)).toList())
                    .isEqualTo(java.util.stream.IntStream.range(0, perSender).mapToObj(m -> prefix + m).toList());
        }
        assertThat(bob.isConnected()).isTrue();
    }

    @Test
    void pagingWithAfterFromEveryNodeWhileThreeNodesKeepArchivingLosesNothing() throws Exception {
        List<XmppServer> all = start();
        List<XMPPTCPConnection> sending = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            sending.add(clients.login(all.get(i), "s" + i, "r"));
        }
        List<XMPPTCPConnection> readers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            readers.add(clients.login(all.get(i), "bob", "reader" + i));
        }
        senders = Executors.newFixedThreadPool(3);
        int perSender = 100;
        for (int i = 0; i < 3; i++) {
            XMPPTCPConnection from = sending.get(i);
            String name = "s" + i;
            senders.submit(() -> {
                for (int m = 0; m < perSender; m++) {
                    from.sendStanza(chat(from, name + "-" + m));
                }
                return null;
            });
        }
        List<String> ids = new ArrayList<>();
        List<String> bodies = new ArrayList<>();
        int[] page = {0};
        await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> {
            // a page of at most 7 after the last id seen, from the next node in turn
            XMPPTCPConnection reader = readers.get(page[0]++ % 3);
            MamManager.MamQueryArgs.Builder args = MamManager.MamQueryArgs.builder().setResultPageSizeTo(7);
            if (!ids.isEmpty()) {
                args.afterUid(ids.get(ids.size() - 1));
            }
            MamManager.MamQuery result = MamManager.getInstanceFor(reader).queryArchive(args.build());
            for (int i = 0; i < result.getMessages().size(); i++) {
                ids.add(result.getMamResultExtensions().get(i).getId());
                bodies.add(result.getMessages().get(i).getBody());
            }
            return bodies.size() >= 3 * perSender;
        });
        assertThat(ids).doesNotHaveDuplicates().isSorted();
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            for (int m = 0; m < perSender; m++) {
                expected.add("s" + i + "-" + m);
            }
        }
        assertThat(bodies).hasSize(3 * perSender);
        assertThat(new HashSet<>(bodies)).isEqualTo(expected);
        assertThat(page[0]).isGreaterThan(3 * perSender / 7);
    }

    @Test
    void aRoomsMessagesFromOccupantsOnThreeNodesAreArchivedOnceByItsHomeAndReadFromEveryNode() throws Exception {
        List<XmppServer> all = start();
        org.skein.muc.MucService service = all.get(0).multiUserChat().service("conference.localhost").orElseThrow();
        service.createRoom("logged", org.skein.muc.RoomConfig.builder().persistent(true).logging(true).build(), "bob@localhost").get();
        String room = "logged@conference.localhost";
        List<XMPPTCPConnection> occupants = new ArrayList<>();
        List<List<Message>> heard = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            XMPPTCPConnection c = clients.login(all.get(i), "s" + i, "r");
            org.jivesoftware.smackx.muc.MultiUserChat muc = org.jivesoftware.smackx.muc.MultiUserChatManager.getInstanceFor(c)
                    .getMultiUserChat(JidCreate.entityBareFrom(room));
            muc.join(org.jxmpp.jid.parts.Resourcepart.from("s" + i));
            List<Message> inbox = new CopyOnWriteArrayList<>();
            muc.addMessageListener(m -> {
                if (m.getBody() != null) {
                    inbox.add(m); // not the subject the room sends at the join
                }
            });
            occupants.add(c);
            heard.add(inbox);
        }
        int perOccupant = 10;
        for (int m = 0; m < perOccupant; m++) {
            for (int i = 0; i < 3; i++) {
                occupants.get(i).sendStanza(occupants.get(i).getStanzaFactory().buildMessageStanza().to(JidCreate.from(room))
                        .ofType(Message.Type.groupchat).setBody("s" + i + "-" + m).build());
            }
        }
        await().atMost(WAIT).until(() -> heard.stream().allMatch(h -> h.size() == 3 * perOccupant));
        List<String> order = heard.get(0).stream().map(Message::getBody).toList();
        List<String> stanzaIds = heard.get(0).stream().map(m -> m.getExtensions(StanzaIdElement.ELEMENT, StanzaIdElement.NAMESPACE)
                .stream().map(e -> (StanzaIdElement) e).filter(e -> e.getBy().equals(room)).findFirst().orElseThrow().getId()).toList();
        // bob is no occupant: he reads the room's archive from each node, one order, the stanza ids the occupants got
        for (int i = 0; i < 3; i++) {
            XMPPTCPConnection reader = clients.login(all.get(i), "bob", "reader" + i);
            MamManager.MamQuery archived = MamManager.getInstanceFor(reader, JidCreate.entityBareFrom(room))
                    .queryArchive(MamManager.MamQueryArgs.builder().setResultPageSizeTo(250).build());
            assertThat(archived.getMessages()).extracting(Message::getBody).isEqualTo(order);
            assertThat(archived.getMamResultExtensions()).extracting(MamResultExtension::getId).isEqualTo(stanzaIds);
        }
        assertThat(all.get(1).messageArchive().roomStore().count(ArchiveFilter.all(room))).isEqualTo(3 * perOccupant);
        for (int i = 0; i < 3; i++) {
            assertThat(all.get(i).messageArchive().store().count(ArchiveFilter.all("s" + i))).isZero(); // not in accounts' archives
        }
    }
}
