package org.skein.admin;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.MultipartConfigElement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ResourceServlet;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.skein.ServerContext;
import org.skein.auth.LoginThrottle;
import org.skein.config.ServerConfig;
import org.skein.xmpp.tls.TlsContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's admin console: an embedded Jetty serving server-rendered pages (Thymeleaf, every string
 * from the console's i18n bundles) to logged-in admins.
 *
 * <p>Keys: {@code admin.enabled} (true), {@code admin.port} (9090; 0 = any free port),
 * {@code admin.bindAddress} (127.0.0.1: reach it through an SSH tunnel or set an address on
 * purpose), {@code admin.https.enabled} (false) and {@code admin.https.port} (9091): HTTPS on the same
 * address with the node's XMPP certificate ({@code xmpp.tls.keystore}, else the self-signed one in
 * {@code data/tls}), {@code admin.http.enabled} (true; false leaves only HTTPS),
 * {@code admin.session.timeout} (30m), {@code admin.users} and {@code admin.initialPassword} (see
 * {@link AdminAccounts}), {@code admin.nodeStatusTimeout} (2s), {@code admin.maxUploadSize} (64MiB).
 */
public final class AdminConsole implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AdminConsole.class);

    private final ServerContext node;
    private final ServerConfig config;
    private final AdminAccounts accounts;
    private final LoginThrottle throttle;
    private final LoginForms loginForms;
    private final PluginPages pluginPages;
    private Server server;
    private java.util.concurrent.ScheduledExecutorService scheduler;
    private Templates templates;
    private final org.skein.metrics.NodeMetrics metrics;
    private volatile int port = -1;
    private volatile int httpsPort = -1;

    /**
     * @param throttle the node's login throttle, shared with XMPP logins (the same passwords)
     * @param metrics the node's meters, served at {@code /metrics} unless {@code metrics.enabled} is false
     */
    public AdminConsole(ServerContext node, LoginThrottle throttle, org.skein.metrics.NodeMetrics metrics) {
        this.node = node;
        this.metrics = java.util.Objects.requireNonNull(metrics, "metrics");
        this.config = node.config();
        this.accounts = new AdminAccounts(config, node.userManager());
        this.throttle = throttle;
        this.loginForms = new LoginForms(cookieSuffix(node), throttle.settings().trustPeriod());
        this.pluginPages = new PluginPages(node.pluginManager());
        // every node answers the console's node table, whether its own console runs or not
        node.clusterManager().registerTaskService(NodeStatus.Source.class, () -> NodeStatus.of(node));
    }

    private static String cookieSuffix(ServerContext node) {
        return node.nodeId().value().replaceAll("[^A-Za-z0-9_-]", "_");
    }

    public boolean isEnabled() {
        return config.getBoolean("admin.enabled", true);
    }

    /** Starts the console if it is enabled; creates the first admin account from the configuration if asked to. */
    public synchronized void start() throws Exception {
        if (!isEnabled() || server != null) {
            return;
        }
        accounts.bootstrap();
        String host = config.get("admin.bindAddress", "127.0.0.1");
        boolean httpEnabled = config.getBoolean("admin.http.enabled", true);
        boolean httpsEnabled = config.getBoolean("admin.https.enabled", false);
        if (!httpEnabled && !httpsEnabled) {
            throw new org.skein.config.ConfigException(config.source() + ": keys admin.http.enabled and admin.https.enabled are both false,"
                    + " expected at least one of them true (or admin.enabled=false to run without a console)");
        }
        int wantedPort = port("admin.port", 9090);
        int wantedHttpsPort = port("admin.https.port", 9091);
        QueuedThreadPool threads = new QueuedThreadPool(16, 2, 60_000);
        threads.setName("skein-admin-" + shortId());
        threads.setDaemon(true);
        Server jetty = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS);
        context.setContextPath("/");
        Duration timeout = config.getDuration("admin.session.timeout", Duration.ofMinutes(30));
        context.getSessionHandler().setMaxInactiveInterval((int) (timeout == null ? 1800 : timeout.toSeconds()));
        context.getSessionHandler().setHttpOnly(true);
        // one cookie name per node: browsers keep cookies per host, not per port, so consoles of several
        // nodes reached on one host name (SSH tunnels, tests) would otherwise log each other out
        context.getSessionHandler().setSessionCookie("SKEIN_ADMIN_" + cookieSuffix(node));
        context.getSessionHandler().setSameSite(org.eclipse.jetty.http.HttpCookie.SameSite.STRICT);
        // HSTS only when there is no plain HTTP port: it would send browsers to https on that port too
        FilterHolder headers = new FilterHolder(new SecurityHeadersFilter(!httpEnabled));
        headers.setAsyncSupported(true);
        context.addFilter(headers, "/*", EnumSet.of(DispatcherType.REQUEST));

        ServletHolder staticFiles = new ServletHolder("static", ResourceServlet.class);
        staticFiles.setInitParameter("dirAllowed", "false");
        staticFiles.setInitParameter("cacheControl", "max-age=3600");
        context.setBaseResource(ResourceFactory.of(context).newClassLoaderResource("org/skein/admin/static/"));
        context.addServlet(staticFiles, "/static/*");

        if (config.getBoolean("metrics.enabled", true)) {
            context.addServlet(new ServletHolder("metrics", new MetricsServlet(metrics, config.get("metrics.token", null))), "/metrics");
        }

        ServletHolder pages = new ServletHolder("pages", new AdminServlet(node, this, pages()));
        pages.setAsyncSupported(true); // delayed login answers wait without a thread
        long maxUpload = config.getByteSize("admin.maxUploadSize", 64L * 1024 * 1024);
        Path uploads = node.homeDirectory().resolve("work").resolve("uploads");
        Files.createDirectories(uploads);
        pages.getRegistration().setMultipartConfig(new MultipartConfigElement(uploads.toString(), maxUpload, maxUpload, 1024 * 1024));
        context.addServlet(pages, "/");
        jetty.setHandler(context);
        templates = new Templates(context.getServletContext());
        ServerConnector connector = null;
        ServerConnector secure = null;
        try {
            if (httpEnabled) {
                connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
                open(connector, host, wantedPort, "admin.bindAddress, admin.port");
                jetty.addConnector(connector);
            }
            if (httpsEnabled) {
                secure = httpsConnector(jetty, http);
                open(secure, host, wantedHttpsPort, "admin.bindAddress, admin.https.port");
                jetty.addConnector(secure);
            }
        } catch (RuntimeException e) {
            closeQuietly(connector);
            closeQuietly(secure);
            throw e;
        }
        scheduler = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "skein-admin-logins-" + shortId());
            thread.setDaemon(true);
            return thread;
        });
        try {
            jetty.start();
        } catch (Exception e) {
            jetty.stop();
            scheduler.shutdownNow();
            throw new IllegalStateException("the admin console did not start: " + e.getMessage(), e);
        }
        server = jetty;
        if (connector != null) {
            port = connector.getLocalPort();
            LOG.info("Admin console at http://{}:{}/", host, port);
        }
        if (secure != null) {
            httpsPort = secure.getLocalPort();
            LOG.info("Admin console at https://{}:{}/", host, httpsPort);
        }
    }

    private int port(String key, int defaultValue) {
        int value = config.getInt(key, defaultValue);
        if (value < 0 || value > 65535) {
            throw new org.skein.config.ConfigException(config.source() + ": key '" + key + "' is '" + value
                    + "', expected a port number from 0 to 65535 (0 = any free port)");
        }
        return value;
    }

    /** HTTPS with the node's XMPP key and certificate (the same keystore the c2s listener uses). */
    private ServerConnector httpsConnector(Server jetty, HttpConfiguration http) {
        TlsContext tls = TlsContext.load(config, node.homeDirectory(), node.xmppDomain());
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setSslContext(tls.newJdkServerContext());
        ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        HttpConfiguration https = new HttpConfiguration(http);
        SecureRequestCustomizer customizer = new SecureRequestCustomizer();
        // the certificate names the XMPP domain, not necessarily the host name the operator browses to
        customizer.setSniHostCheck(false);
        https.addCustomizer(customizer);
        return new ServerConnector(jetty, new SslConnectionFactory(ssl, HttpVersion.HTTP_1_1.asString()),
                new HttpConnectionFactory(https));
    }

    /** Binds now, so that a taken port or a bad address is reported with the keys that chose it. */
    private void open(ServerConnector connector, String host, int wantedPort, String keys) {
        connector.setHost(host);
        connector.setPort(wantedPort);
        try {
            connector.open();
        } catch (Exception e) {
            throw new org.skein.config.ConfigException(config.source() + ": the admin console cannot listen on " + host + ":" + wantedPort
                    + " (keys " + keys + "), expected a free port on an address of this machine: " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(ServerConnector connector) {
        if (connector != null) {
            connector.close();
        }
    }

    private Map<String, AdminPage> pages() {
        Map<String, AdminPage> pages = new LinkedHashMap<>();
        pages.put("/", new DashboardPage());
        pages.put("/clustering", new ClusteringPage());
        pages.put("/caches", new CachesPage());
        pages.put("/sessions", new SessionsPage());
        pages.put("/rooms", new RoomsPage());
        pages.put("/archives", new ArchivesPage());
        pages.put("/users", new UsersPage());
        pages.put("/pubsub", new PubSubPage());
        pages.put("/plugins", new PluginsPage());
        pages.put("/plugin", new PluginPage());
        return pages;
    }

    /** The port the console listens on for HTTP, or -1 when it does not run (or serves only HTTPS). */
    public int port() {
        return port;
    }

    /** The port the console listens on for HTTPS, or -1 when it does not run or HTTPS is off. */
    public int httpsPort() {
        return httpsPort;
    }

    @Override
    public synchronized void close() {
        Server jetty = server;
        server = null;
        port = -1;
        httpsPort = -1;
        if (jetty != null) {
            try {
                jetty.stop();
            } catch (Exception e) {
                LOG.warn("The admin console did not stop cleanly", e);
            }
        }
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }

    Templates templates() {
        return templates;
    }

    AdminAccounts accounts() {
        return accounts;
    }

    LoginThrottle throttle() {
        return throttle;
    }

    LoginForms loginForms() {
        return loginForms;
    }

    /** Sends delayed login answers. */
    synchronized java.util.concurrent.ScheduledExecutorService scheduler() {
        if (scheduler == null) {
            throw new java.util.concurrent.RejectedExecutionException("the admin console is stopped");
        }
        return scheduler;
    }

    PluginPages pluginPagesRegistry() {
        return pluginPages;
    }

    private String shortId() {
        String id = node.nodeId().value();
        return id.length() > 8 ? id.substring(0, 8) : id;
    }
}
