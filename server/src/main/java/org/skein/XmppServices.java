package org.skein;

import com.github.benmanes.caffeine.cache.Ticker;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.skein.auth.LoginThrottle;
import org.skein.auth.ServerSecrets;
import org.skein.blocking.BlockListManager;
import org.skein.blocking.BlockingHandler;
import org.skein.blocking.BlockingPolicy;
import org.skein.blocking.JdbcBlockListStore;
import org.skein.bytestreams.BytestreamsProxy;
import org.skein.bytestreams.ProxySettings;
import org.skein.cache.CacheFactory;
import org.skein.cluster.ClusterEventListener;
import org.skein.cluster.NodeID;
import org.skein.clustering.ClusterManager;
import org.skein.component.ComponentRegistry;
import org.skein.config.ConfigException;
import org.skein.config.ServerConfig;
import org.skein.disco.AccountDiscoProvider;
import org.skein.disco.DiscoInfoHandler;
import org.skein.disco.DiscoItemsHandler;
import org.skein.caps.EntityCapabilities;
import org.skein.carbons.Carbons;
import org.skein.carbons.CarbonsHandler;
import org.skein.iq.IqRequests;
import org.skein.iq.IqResponseTask;
import org.skein.iq.IqRouter;
import org.skein.iq.SessionIqHandler;
import org.skein.lastactivity.JdbcLastActivityStore;
import org.skein.lastactivity.LastActivityHandler;
import org.skein.lastactivity.LastActivityManager;
import org.skein.mam.ArchivePreferences;
import org.skein.mam.JdbcArchiveStore;
import org.skein.mam.MamQueryHandler;
import org.skein.mam.ArchiveWriterSettings;
import org.skein.mam.MessageArchive;
import org.skein.message.MessageRouter;
import org.skein.muc.MultiUserChat;
import org.skein.net.C2sListener;
import org.skein.net.C2sSettings;
import org.skein.net.websocket.WebSocketSettings;
import org.skein.net.websocket.WebSocketTransport;
import org.skein.offline.OfflineMessageManager;
import org.skein.offline.OfflineMessageStore;
import org.skein.pep.Pep;
import org.skein.ping.PingHandler;
import org.skein.presence.ClusterPresence;
import org.skein.presence.PresenceManager;
import org.skein.privatedata.JdbcPrivateXmlStore;
import org.skein.privatedata.PrivateXmlHandler;
import org.skein.pubsub.PubSub;
import org.skein.pubsub.PubSubStore;
import org.skein.register.RegistrationHandler;
import org.skein.roster.RosterIqHandler;
import org.skein.roster.RosterManager;
import org.skein.roster.RosterPusher;
import org.skein.roster.RosterStore;
import org.skein.roster.SubscriptionService;
import org.skein.routing.RoutingTable;
import org.skein.session.ClientStream;
import org.skein.session.SessionJournal;
import org.skein.session.SessionManager;
import org.skein.session.SessionResumption;
import org.skein.session.StreamManagementSettings;
import org.skein.session.StreamSettings;
import org.skein.stanzaid.StanzaIdGenerator;
import org.skein.stanzaid.StanzaIds;
import org.skein.storage.Database;
import org.skein.user.AccountListener;
import org.skein.user.UserManager;
import org.skein.vcard.JdbcVCardStore;
import org.skein.vcard.VCardHandler;
import org.skein.vcard.VCardManager;
import org.skein.version.SoftwareVersionHandler;
import org.skein.xmpp.Namespaces;
import org.skein.xmpp.sasl.SaslMechanisms;
import org.skein.xmpp.tls.TlsContext;
import org.dom4j.Element;
import org.xmpp.packet.JID;

/**
 * The XMPP side of a node, wired together: routing table, sessions, rosters, presence, messages, IQ
 * handlers and the client listener. Built with the node; {@link #start()} loads the TLS certificate
 * and opens the port; {@link #stop()} closes every connection and stops the listener's threads.
 */
final class XmppServices {

    static final String DOMAIN_KEY = "xmpp.domain";
    static final String TLS_REQUIRED_KEY = "xmpp.tls.required";
    static final String PLAIN_WITHOUT_TLS_KEY = "xmpp.sasl.plain.allowUnencrypted";
    static final String MAX_AUTH_FAILURES_KEY = "xmpp.sasl.maxFailures";

    private final ServerConfig config;
    private final Path home;
    private final String threadSuffix;
    private final String domain;
    private final RoutingTable routingTable;
    private final SessionManager sessionManager;
    private final RosterManager rosterManager;
    private final PresenceManager presenceManager;
    private final MessageRouter messageRouter;
    private final MessageArchive archive;
    private final ExecutorService archiveWriterThread;
    private final Duration archiveRetention;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final IqRouter iqRouter;
    private final EntityCapabilities caps;
    private final PubSub pubSub;
    private final OfflineMessageManager offlineMessageManager;
    private final ComponentRegistry components;
    private final XmppPacketRouter packetRouter;
    private final SessionResumption resumption;
    /** The stream management journal, or {@code null} when {@code xmpp.sm.journal} is off. */
    private final SessionJournal smJournal;
    private final C2sSettings c2sSettings;
    private final WebSocketSettings webSocketSettings;
    private final StreamSettings streamSettings;
    private final SaslMechanisms mechanisms;
    private final LoginThrottle throttle;
    private final RegistrationHandler registration;
    private final VCardManager vcards;
    private final BlockListManager blockLists;
    private final LastActivityManager lastActivity;
    private final XmppClusterListener clusterListener;
    private final org.skein.routing.InboundStanzas inbound;
    private final NodeClustering nodeClustering;
    private final MultiUserChat multiUserChat;
    private final BytestreamsProxy proxy;
    private volatile TlsContext tls;
    private volatile C2sListener listener;
    private volatile WebSocketTransport webSocket;
    private volatile WebSocketTransport webSocketTls;

    /** Key of the most items a pubsub or PEP node keeps ({@code pubsub#max_items=max}). */
    static final String PUBSUB_MAX_ITEMS_KEY = "pubsub.maxItems";
    /** Key of how many stanza deliveries from other nodes may be handed over and not done (then the senders hold back). */
    static final String INBOUND_MAX_PENDING_KEY = "cluster.inbound.maxPending";
    /** Key of whether the publish-subscribe service runs (PEP always does). */
    static final String PUBSUB_ENABLED_KEY = "pubsub.enabled";
    /** Key of the publish-subscribe service's domain. */
    static final String PUBSUB_DOMAIN_KEY = "pubsub.domain";

    /** The node's delivery of stanzas from other nodes (for its meters). */
    org.skein.routing.InboundStanzas inbound() {
        return inbound;
    }

    XmppServices(ServerConfig config, Path home, NodeID nodeId, String threadSuffix, CacheFactory caches,
                 ClusterManager cluster, Clock clock, UserManager users, RosterStore rosterStore,
                 OfflineMessageStore offlineStore, PubSubStore pubSubStore, ScheduledExecutorService scheduler,
                 Database database, String version, ServerSecrets secrets, java.util.concurrent.Executor clusterCleanup,
                 java.util.concurrent.Executor inboundThreads, int inboundLanes) {
        this.config = config;
        this.home = home;
        this.threadSuffix = threadSuffix;
        this.domain = domain(config);
        JID serverJid = new JID(null, domain, null, true);
        this.c2sSettings = C2sSettings.from(config);
        this.webSocketSettings = WebSocketSettings.from(config, c2sSettings);
        boolean registrationEnabled = config.getBoolean(RegistrationHandler.ENABLED_KEY, false);
        int maxFailures = config.getInt(MAX_AUTH_FAILURES_KEY, 3);
        if (maxFailures < 1) {
            throw new ConfigException(config.source() + ": key '" + MAX_AUTH_FAILURES_KEY + "' is '" + maxFailures
                    + "', expected a positive number");
        }
        this.streamSettings = new StreamSettings(domain, true, config.getBoolean(TLS_REQUIRED_KEY, false), registrationEnabled, maxFailures);
        this.throttle = new LoginThrottle(LoginThrottle.Settings.from(config), Ticker.systemTicker());
        this.mechanisms = new SaslMechanisms(users, domain, config.getBoolean(PLAIN_WITHOUT_TLS_KEY, false),
                config.getInt(UserManager.ITERATIONS_KEY, 4096), () -> secrets.secret(SaslMechanisms.UNKNOWN_USERS_SECRET));

        this.components = new ComponentRegistry(domain);
        this.routingTable = new RoutingTable(nodeId, caches);
        routingTable.setComponents(components);
        this.sessionManager = new SessionManager(nodeId, domain, routingTable, caches, cluster, clock);
        cluster.registerTaskService(SessionManager.class, sessionManager);
        sessionManager.resolveResourceConflicts(scheduler); // rare (a merge after a split brain), and quick
        this.rosterManager = new RosterManager(rosterStore, caches, rosterLimit(config));
        this.blockLists = new BlockListManager(domain, new JdbcBlockListStore(database), caches, routingTable, sessionManager,
                BlockListManager.maxItems(config));
        RosterPusher pusher = new RosterPusher(routingTable);
        SubscriptionService subscriptions = new SubscriptionService(domain, rosterManager, pusher, routingTable, sessionManager, users,
                blockLists);
        this.offlineMessageManager = new OfflineMessageManager(offlineStore, domain, clock);
        sessionManager.setMessageHoldStorage(offlineMessageManager::store);
        this.presenceManager = new PresenceManager(domain, routingTable, sessionManager, rosterManager, subscriptions,
                offlineMessageManager, caches, components, blockLists);
        this.archiveWriterThread = Executors.newSingleThreadExecutor(runnable -> {
            Thread t = new Thread(runnable, "skein-archive-writer-" + threadSuffix);
            t.setDaemon(true);
            return t;
        });
        this.archive = new MessageArchive(domain, new StanzaIdGenerator(nodeId, clock), JdbcArchiveStore.accounts(database),
                JdbcArchiveStore.rooms(database),
                new ArchivePreferences(database, caches), (user, bare) -> rosterManager.getItem(user, bare).isPresent(), cluster,
                config.getBoolean(MessageArchive.ENABLED_KEY, true), ArchiveWriterSettings.from(config), archiveWriterThread);
        cluster.registerTaskService(MessageArchive.class, archive);
        this.archiveRetention = archiveRetention(config);
        this.clock = clock;
        this.scheduler = scheduler;
        this.messageRouter = new MessageRouter(domain, routingTable, users, offlineMessageManager, components, blockLists, archive);
        IqRequests requests = new IqRequests(nodeId, serverJid, routingTable, scheduler);
        cluster.registerTaskService(IqRequests.class, requests);
        requests.setForwarder((node, response) -> {
            if (!caches.isClustered() || cluster.getNodeInfo(node).isEmpty()) {
                return false;
            }
            cluster.doClusterTask(new IqResponseTask(response.toXML()), node);
            return true;
        });
        this.iqRouter = new IqRouter(domain, routingTable, users, components, requests, blockLists);
        this.vcards = new VCardManager(new JdbcVCardStore(database, clock), caches, VCardManager.maxSize(config));
        this.lastActivity = new LastActivityManager(new JdbcLastActivityStore(database), clock);
        this.registration = new RegistrationHandler(serverJid, users, rosterManager, sessionManager, registrationEnabled);
        iqRouter.addHandler(new RosterIqHandler(serverJid, rosterManager, pusher, subscriptions));
        DiscoInfoHandler discoInfo = new DiscoInfoHandler(serverJid, "Skein", this::serverFeatures);
        DiscoItemsHandler discoItems = new DiscoItemsHandler(serverJid, components);
        iqRouter.addHandler(discoInfo);
        iqRouter.addHandler(discoItems);
        iqRouter.addHandler(new PingHandler(serverJid));
        iqRouter.addHandler(new CarbonsHandler(serverJid, routingTable));
        iqRouter.addHandler(new SessionIqHandler(serverJid));
        iqRouter.addHandler(new VCardHandler(serverJid, vcards));
        iqRouter.addHandler(new PrivateXmlHandler(serverJid, new JdbcPrivateXmlStore(database), PrivateXmlHandler.maxSize(config)));
        iqRouter.addHandler(new BlockingHandler(serverJid, blockLists, routingTable, sessionManager, rosterManager));
        iqRouter.addHandler(new SoftwareVersionHandler(serverJid, "Skein", version,
                config.getBoolean(SoftwareVersionHandler.SHOW_OS_KEY, false) ? SoftwareVersionHandler.operatingSystem() : null));
        iqRouter.addHandler(new LastActivityHandler(serverJid, lastActivity, rosterManager, routingTable, clock, clock.instant()));
        discoInfo.addAccountProvider(new AccountDiscoProvider() {
            @Override
            public void addAccountInfo(Element query, JID account, JID requester) {
                // what the server answers on an account's behalf (XEP-0054 and XEP-0012 ask accounts to list them)
                query.addElement("feature").addAttribute("var", VCardHandler.NAMESPACE);
                query.addElement("feature").addAttribute("var", LastActivityHandler.NAMESPACE);
                if (archive.isEnabled()) {
                    query.addElement("feature").addAttribute("var", MessageArchive.NAMESPACE);
                    query.addElement("feature").addAttribute("var", MessageArchive.EXTENDED);
                    query.addElement("feature").addAttribute("var", StanzaIds.NAMESPACE);
                }
            }
        });
        if (archive.isEnabled()) {
            iqRouter.addHandler(new MamQueryHandler(serverJid, archive));
        }
        if (registrationEnabled) {
            iqRouter.addHandler(registration);
        }
        users.addAccountListener(new AccountListener() {
            @Override
            public void accountCreated(String username) {
                forget(username); // a reused name must not find the deleted account's cached data
            }

            @Override
            public void accountDeleted(String username) {
                forget(username);
            }
        });
        this.caps = new EntityCapabilities(caches, requests, Duration.ofSeconds(30));
        presenceManager.addListener(caps);
        this.pubSub = new PubSub(domain, pubSubDomain(config, domain), nodeId, pubSubStore, caches, routingTable,
                rosterManager, clock, pubSubMaxItems(config));
        pubSub.component().ifPresent(components::add);
        new Pep(pubSub.engine(), pubSub.notifier(), pubSub.fanout(), caps, rosterManager, iqRouter, presenceManager,
                discoInfo, discoItems, domain, blockLists);
        presenceManager.addListener((session, presence, becameAvailable) -> {
            if (!presence.isAvailable()) {
                pubSub.sessionEnded(session.address());
            }
        });
        presenceManager.addListener((session, presence, becameAvailable) -> {
            if (!presence.isAvailable()) {
                lastActivity.wentUnavailable(session, presence);
            }
        });
        this.packetRouter = new XmppPacketRouter(messageRouter, presenceManager, iqRouter, sessionManager);
        packetRouter.addSessionClosedListener(session -> pubSub.sessionEnded(session.address()));
        packetRouter.addSessionClosedListener(blockLists::sessionEnded);
        packetRouter.addSessionClosedListener(lastActivity::sessionEnded);
        sessionManager.setReplacedSessionHandler(presenceManager::sessionClosed);
        routingTable.setUndeliverableHandler(new UndeliverablePackets(messageRouter, routingTable, serverJid));
        int inboundMaxPending = config.getInt(INBOUND_MAX_PENDING_KEY, 100_000);
        if (inboundMaxPending < 1) {
            throw new ConfigException(config.source() + ": key '" + INBOUND_MAX_PENDING_KEY + "' is '" + inboundMaxPending
                    + "', expected a positive number");
        }
        this.inbound = new org.skein.routing.InboundStanzas(routingTable, inboundThreads, inboundLanes, inboundMaxPending);
        StreamManagementSettings smSettings = StreamManagementSettings.from(config);
        this.smJournal = smSettings.journal() ? new SessionJournal(caches, nodeId, runnable -> new Thread(runnable, "sm-journal" + threadSuffix))
                : null;
        this.resumption = new SessionResumption(smSettings, scheduler, packetRouter, routingTable, caches,
                cluster, sessionManager, smJournal);
        cluster.registerTaskService(SessionResumption.class, resumption);
        sessionManager.setSlowConsumerHandler(new SlowConsumerPackets(SlowConsumerPackets.keepsOffline(config), routingTable, serverJid,
                offlineMessageManager::deliverTo));
        this.nodeClustering = new NodeClustering(routingTable, sessionManager, cluster, inbound);
        this.clusterListener = new XmppClusterListener(caches, cluster, routingTable, sessionManager,
                new ClusterPresence(routingTable, rosterManager, presenceManager), this::deliverKeptMessagesLater, clusterCleanup);
        this.multiUserChat = new MultiUserChat(config, domain, nodeId, threadSuffix, clock, caches, cluster, database,
                routingTable, messageRouter, blockLists, components, archive);
        cluster.registerTaskService(MultiUserChat.class, multiUserChat);
        ProxySettings proxySettings = ProxySettings.from(config, c2sSettings.bindAddress(), domain);
        this.proxy = proxySettings.enabled() ? new BytestreamsProxy(proxySettings, domain, routingTable, threadSuffix) : null;
        if (proxy != null) {
            components.add(proxy.component());
        }
    }

    /** Keeps routes, sessions and presence right across cluster changes: see {@link XmppClusterListener}. */
    ClusterEventListener clusterListener() {
        return clusterListener;
    }

    /** What the node installs while it is a member of a cluster: see {@link NodeClustering}. */
    NodeClustering nodeClustering() {
        return nodeClustering;
    }

    /**
     * Keeps publish-subscribe right across cluster changes (registered after {@link #clusterListener()}):
     * cached copies dropped and this node's temporary subscriptions re-asserted after a join or merge,
     * a dead node's temporary subscriptions ended by the senior member.
     */
    ClusterEventListener pubSubClusterListener(ClusterManager cluster) {
        return new ClusterEventListener() {
            @Override
            public void joinedCluster() {
                pubSub.joinedCluster();
            }

            @Override
            public void leftCluster() {
                pubSub.leftCluster();
            }

            @Override
            public void leftCluster(NodeID nodeId) {
                pubSub.nodeLost(nodeId, cluster.isSeniorClusterMember() && cluster.getNodeInfo(nodeId).isEmpty());
            }
        };
    }

    private static String domain(ServerConfig config) {
        String value = config.get(DOMAIN_KEY, "localhost").trim();
        try {
            String prepped = JID.domainprep(value);
            if (prepped == null || prepped.isEmpty() || prepped.contains("@") || prepped.contains("/")) {
                throw new IllegalArgumentException("not a domain");
            }
            return prepped;
        } catch (RuntimeException e) {
            throw new ConfigException(config.source() + ": key '" + DOMAIN_KEY + "' is '" + value
                    + "', expected a domain name such as example.org or localhost");
        }
    }

    private static Duration archiveRetention(ServerConfig config) {
        Duration retention = config.getDuration(MessageArchive.RETENTION_KEY, null);
        if (retention != null && (retention.isNegative() || retention.isZero())) {
            throw new ConfigException(config.source() + ": key '" + MessageArchive.RETENTION_KEY + "' is '"
                    + config.get(MessageArchive.RETENTION_KEY, "") + "', expected a duration such as 365d, or -1 to keep messages for ever");
        }
        return retention;
    }

    /** Applies the archive's retention limit now (the node does it every hour); returns how many messages went. */
    long purgeExpiredArchives() {
        return archive.purgeExpired(archiveRetention, clock.instant(), archive.roomStore());
    }

    private static int rosterLimit(ServerConfig config) {
        int max = config.getInt(RosterManager.MAX_ITEMS_KEY, RosterManager.DEFAULT_MAX_ITEMS);
        if (max < 1 && max != -1) {
            throw new ConfigException(config.source() + ": key '" + RosterManager.MAX_ITEMS_KEY + "' is '" + max
                    + "', expected a positive number of roster items, or -1 for no limit");
        }
        return max;
    }

    private static int pubSubMaxItems(ServerConfig config) {
        int maxItems = config.getInt(PUBSUB_MAX_ITEMS_KEY, 1000);
        if (maxItems < 1) {
            throw new ConfigException(config.source() + ": key '" + PUBSUB_MAX_ITEMS_KEY + "' is '" + maxItems
                    + "', expected a positive number such as 1000");
        }
        return maxItems;
    }

    /** The publish-subscribe service's domain, or {@code null} when it is off. */
    private static String pubSubDomain(ServerConfig config, String domain) {
        if (!config.getBoolean(PUBSUB_ENABLED_KEY, true)) {
            return null;
        }
        String value = config.get(PUBSUB_DOMAIN_KEY, "pubsub." + domain).trim();
        try {
            String prepped = JID.domainprep(value);
            if (prepped == null || prepped.isEmpty() || prepped.contains("@") || prepped.contains("/") || prepped.equals(domain)) {
                throw new IllegalArgumentException("not a domain of its own");
            }
            return prepped;
        } catch (RuntimeException e) {
            throw new ConfigException(config.source() + ": key '" + PUBSUB_DOMAIN_KEY + "' is '" + value
                    + "', expected a domain other than " + domain + " such as pubsub." + domain);
        }
    }

    /** Forgets what the caches hold for an account (its rows are removed with it by the database). */
    private void forget(String username) {
        rosterManager.evict(username);
        vcards.evict(username);
        archive.preferences().evict(username);
        blockLists.evict(username);
    }

    private static Duration nonNull(ServerConfig config, String key, Duration defaultValue) {
        Duration value = config.getDuration(key, defaultValue);
        if (value == null) {
            throw new ConfigException(config.source() + ": key '" + key + "' is '-1', expected a duration such as 1s");
        }
        return value;
    }

    private List<String> serverFeatures() {
        List<String> features = new ArrayList<>();
        features.add(Namespaces.DISCO_INFO);
        features.add(Namespaces.DISCO_ITEMS);
        features.add(Namespaces.PING);
        features.add(Namespaces.ROSTER);
        features.add("msgoffline");
        features.add(Namespaces.DELAY);
        // PEP on every account: OMEMO clients look for pubsub here, OX for its access models
        features.addAll(pubSub.pepFeatures());
        features.add(VCardHandler.NAMESPACE);
        features.add(PrivateXmlHandler.NAMESPACE);
        features.add(BlockListManager.NAMESPACE);
        features.add(SoftwareVersionHandler.NAMESPACE);
        features.add(LastActivityHandler.NAMESPACE);
        features.add(Carbons.NAMESPACE);
        if (archive.isEnabled()) {
            features.add(StanzaIds.NAMESPACE);
        }
        if (registration.isEnabled()) {
            features.add(Namespaces.REGISTER);
        }
        return features;
    }

    /** Loads the certificate, starts the services (and the bytestreams proxy if it is on) and listens for clients. */
    void start() {
        archive.start();
        pubSub.start();
        if (archiveRetention != null) {
            scheduler.scheduleWithFixedDelay(() -> {
                try {
                    purgeExpiredArchives();
                } catch (RuntimeException e) {
                    org.slf4j.LoggerFactory.getLogger(XmppServices.class).warn("Applying the archive retention limit failed", e);
                }
            }, 1, 60, java.util.concurrent.TimeUnit.MINUTES);
        }
        tls = TlsContext.load(config, home, domain);
        multiUserChat.start();
        if (proxy != null) {
            proxy.start();
        }
        C2sListener created = new C2sListener(c2sSettings, tls, connection -> new ClientStream(connection, streamSettings,
                mechanisms, throttle, sessionManager, packetRouter, registration::handleUnauthenticated, resumption), threadSuffix);
        WebSocketSettings ws = webSocketSettings;
        if (ws.enabled() && ws.port() >= 0) {
            webSocket = new WebSocketTransport(ws, null, domain);
            created.addTransport(webSocket, ws.bindAddress(), ws.port(),
                    "'" + WebSocketSettings.BIND_ADDRESS_KEY + "' and '" + WebSocketSettings.PORT_KEY + "'");
        }
        if (ws.enabled() && ws.tlsPort() >= 0) {
            webSocketTls = new WebSocketTransport(ws, tls, domain);
            created.addTransport(webSocketTls, ws.bindAddress(), ws.tlsPort(),
                    "'" + WebSocketSettings.BIND_ADDRESS_KEY + "' and '" + WebSocketSettings.TLS_PORT_KEY + "'");
        }
        listener = created;
        created.start();
    }

    /** Says goodbye to every client and stops the listener, then the bytestreams proxy, then writes what the archive writer holds. */
    void stop() {
        resumption.stop();
        C2sListener current = listener;
        if (current != null) {
            current.close();
        }
        multiUserChat.close();
        if (proxy != null) {
            proxy.close();
        }
        // no client and no room left: what the archive writer holds goes to the database before it closes
        archive.close();
        archiveWriterThread.shutdown();
        try {
            archiveWriterThread.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (smJournal != null) {
            smJournal.stop(); // after the sessions ended: their journals are closed
        }
    }

    MultiUserChat multiUserChat() {
        return multiUserChat;
    }

    String domain() {
        return domain;
    }

    RoutingTable routingTable() {
        return routingTable;
    }

    SessionManager sessionManager() {
        return sessionManager;
    }

    RosterManager rosterManager() {
        return rosterManager;
    }

    PresenceManager presenceManager() {
        return presenceManager;
    }

    MessageRouter messageRouter() {
        return messageRouter;
    }

    IqRouter iqRouter() {
        return iqRouter;
    }

    MessageArchive messageArchive() {
        return archive;
    }

    OfflineMessageManager offlineMessageManager() {
        return offlineMessageManager;
    }

    ComponentRegistry components() {
        return components;
    }

    BlockingPolicy blockingPolicy() {
        return blockLists;
    }

    EntityCapabilities caps() {
        return caps;
    }

    PubSub pubSub() {
        return pubSub;
    }

    XmppPacketRouter packetRouter() {
        return packetRouter;
    }

    /** Stream management's resumable sessions (XEP-0198). */
    /** The stream management journal, or {@code null} when it is off. */
    SessionJournal smJournal() {
        return smJournal;
    }

    SessionResumption resumption() {
        return resumption;
    }

    /** The client port (the chosen one when configured as 0), or -1 when not listening. */
    int c2sPort() {
        C2sListener current = listener;
        return current == null ? -1 : current.port();
    }

    /** The plain WebSocket port ({@code ws://}), or -1 when not listening. */
    int webSocketPort() {
        C2sListener current = listener;
        WebSocketTransport transport = webSocket;
        return current == null || transport == null ? -1 : current.port(transport);
    }

    /** The WebSocket port with TLS ({@code wss://}), or -1 when not listening. */
    int webSocketTlsPort() {
        C2sListener current = listener;
        WebSocketTransport transport = webSocketTls;
        return current == null || transport == null ? -1 : current.port(transport);
    }

    /** The WebSocket settings (path, origins...). */
    WebSocketSettings webSocketSettings() {
        return webSocketSettings;
    }

    int c2sConnectionCount() {
        C2sListener current = listener;
        return current == null ? 0 : current.connectionCount();
    }

    long c2sPeakBacklogBytes() {
        C2sListener current = listener;
        return current == null ? 0 : current.peakBacklogBytes();
    }

    long c2sStalledConnectionCount() {
        C2sListener current = listener;
        return current == null ? 0 : current.stalledConnectionCount();
    }

    long c2sInboundPauseCount() {
        C2sListener current = listener;
        return current == null ? 0 : current.inboundPauseCount();
    }

    int c2sPendingLoginCount() {
        C2sListener current = listener;
        return current == null ? 0 : current.pendingLoginCount();
    }

    /** The node's login throttle, which the admin console shares. */
    LoginThrottle loginThrottle() {
        return throttle;
    }

    /** The TLS context (after start). */
    TlsContext tls() {
        return tls;
    }

    /** After a join: messages kept offline for users who were online on the other side go to them, off the event thread. */
    private void deliverKeptMessagesLater() {
        try {
            scheduler.execute(() -> {
                try {
                    offlineMessageManager.deliverToLiveSessions(routingTable.localSessions());
                } catch (RuntimeException e) {
                    org.slf4j.LoggerFactory.getLogger(XmppServices.class).warn("Could not look for messages kept offline for online users", e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the node is stopping
        }
    }

}
