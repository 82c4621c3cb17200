package org.skein.muc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.jivesoftware.smackx.muc.MultiUserChatManager;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.skein.XmppServer;
import org.skein.c2s.SmackClients;
import org.skein.testing.TestNodes;

/** One node with group chat in a temporary home, with Smack clients; closes clients, node and folder. */
final class MucNode1 implements AutoCloseable {

    final Path home;
    final TestNodes nodes;
    final XmppServer node;
    final SmackClients clients;

    MucNode1() throws Exception {
        this(Map.of());
    }

    MucNode1(Map<String, String> config) throws Exception {
        this.home = Files.createTempDirectory("skein-muc");
        this.nodes = new TestNodes(home);
        Map<String, String> all = new HashMap<>();
        all.put("xmpp.sasl.failureDelay", "20ms");
        all.putAll(config);
        this.node = nodes.start("node", all);
        this.clients = new SmackClients(node);
    }

    /** A new account (password "secret"), logged in with resource "r". */
    XMPPTCPConnection user() throws Exception {
        String name = "u" + UUID.randomUUID().toString().substring(0, 8);
        node.userManager().createUser(name, "secret", "", "");
        return clients.login(name, "secret", "r");
    }

    String service() {
        return "conference." + node.xmppDomain();
    }

    EntityBareJid room(String name) throws Exception {
        return JidCreate.entityBareFrom(name + "@" + service());
    }

    MultiUserChat muc(XMPPTCPConnection client, String room) throws Exception {
        return MultiUserChatManager.getInstanceFor(client).getMultiUserChat(room(room));
    }

    MucService mucService() {
        return node.multiUserChat().service(service()).orElseThrow();
    }

    @Override
    public void close() throws Exception {
        clients.close();
        nodes.close();
        try (var paths = Files.walk(home)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
