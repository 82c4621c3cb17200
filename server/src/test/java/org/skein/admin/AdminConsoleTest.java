package org.skein.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import org.jivesoftware.smack.ConnectionListener;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.csi.ClientStateIndicationManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.skein.XmppServer;
import org.skein.c2s.SmackClients;
import org.skein.cache.Cache;
import org.skein.cluster.NodeID;
import org.skein.config.ConfigException;
import org.skein.plugin.PluginJarBuilder;
import org.skein.session.SessionInfo;
import org.skein.session.SessionManager;
import org.skein.cluster.testing.InMemoryCluster;
import org.skein.testing.TestNodes;

/** The console over real HTTP against a node started in the test. */
class AdminConsoleTest {

    @TempDir
    Path dir;

    private TestNodes nodes;

    @AfterEach
    void stop() throws Exception {
        if (nodes != null) {
            nodes.close();
        }
    }

    private XmppServer node(Map<String, String> extra) {
        nodes = new TestNodes(dir);
        Map<String, String> config = new HashMap<>(Map.of("admin.enabled", "true", "admin.port", "0",
                "admin.initialPassword", "correct horse"));
        config.putAll(extra);
        return nodes.start("node", config);
    }

    private ConsoleClient loggedIn(XmppServer node) throws Exception {
        ConsoleClient client = new ConsoleClient(node.adminConsole().port());
        HttpResponse<String> login = client.login("admin", "correct horse");
        assertThat(login.statusCode()).isEqualTo(302);
        return client;
    }

    @Test
    void theFirstAdminComesFromTheInitialPasswordWhichIsThenRemoved() throws Exception {
        XmppServer node = node(Map.of());
        assertThat(node.userManager().checkPassword("admin", "correct horse")).isTrue();
        assertThat(node.config().get("admin.initialPassword")).isEmpty();
    }

    @Test
    void withoutAnAdminAccountTheLoginPageSaysHowToCreateOne() throws Exception {
        XmppServer node = node(Map.of("admin.initialPassword", ""));
        HttpResponse<String> page = new ConsoleClient(node.adminConsole().port()).get("/login");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("No admin account exists yet").contains("skein-server user add admin");
    }

    @Test
    void everyPageNeedsALoginAndTheDashboardShowsTheNode() throws Exception {
        XmppServer node = node(Map.of());
        ConsoleClient anonymous = new ConsoleClient(node.adminConsole().port());
        for (String path : new String[] {"/", "/clustering", "/caches", "/users", "/plugins", "/clustering/nodes"}) {
            HttpResponse<String> response = anonymous.get(path);
            assertThat(response.statusCode()).as(path).isEqualTo(302);
            assertThat(response.headers().firstValue("Location")).as(path).hasValueSatisfying(l -> assertThat(l).endsWith("/login"));
        }
        ConsoleClient admin = loggedIn(node);
        HttpResponse<String> dashboard = admin.get("/");
        assertThat(dashboard.statusCode()).isEqualTo(200);
        assertThat(dashboard.body()).contains(node.nodeId().value()).contains("Dashboard").contains("Clustering is off");
    }

    @Test
    void aWrongPasswordIsRefusedAndTheRightOneStillGetsInAfterManyWrongOnes() throws Exception {
        XmppServer node = node(Map.of("xmpp.sasl.failureDelay", "20ms", "xmpp.sasl.failureDelayMax", "200ms"));
        ConsoleClient client = new ConsoleClient(node.adminConsole().port());
        HttpResponse<String> wrong = client.login("admin", "wrong");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).contains("Wrong user name or password");
        for (int i = 0; i < 8; i++) {
            assertThat(client.login("admin", "wrong").statusCode()).isEqualTo(401); // each answered after its delay
        }
        HttpResponse<String> right = client.login("admin", "correct horse");
        assertThat(right.statusCode()).as("never locked out").isEqualTo(302);
        assertThat(client.get("/").statusCode()).isEqualTo(200);
    }

    @Test
    void aBrowserThatHasNotLoggedInGetsNoSession() throws Exception {
        XmppServer node = node(Map.of());
        ConsoleClient anonymous = new ConsoleClient(node.adminConsole().port());
        String sessionCookie = "SKEIN_ADMIN_" + node.nodeId().value();
        for (int i = 0; i < 50; i++) {
            HttpResponse<String> page = anonymous.get("/login");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith(sessionCookie + "="));
        }
        for (String path : new String[] {"/", "/users", "/no-such-page", "/static/admin.css", "/language?lang=de"}) {
            assertThat(anonymous.get(path).headers().allValues("Set-Cookie")).as(path).noneMatch(c -> c.startsWith(sessionCookie + "="));
        }
        HttpResponse<String> failed = anonymous.login("admin", "wrong");
        assertThat(failed.statusCode()).isEqualTo(401);
        assertThat(anonymous.cookieNames()).doesNotContain(sessionCookie);
        HttpResponse<String> forged = anonymous.postRaw("/users/create", "username=eve&password=x");
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(anonymous.cookieNames()).doesNotContain(sessionCookie);
        // a login form from another site (without the browser's token cookie) is refused
        HttpResponse<String> foreign = new ConsoleClient(node.adminConsole().port()).postRaw("/login",
                "csrf=" + anonymous.csrf() + "&username=admin&password=correct+horse");
        assertThat(foreign.statusCode()).isEqualTo(403);

        assertThat(anonymous.login("admin", "correct horse").statusCode()).isEqualTo(302);
        assertThat(anonymous.cookieNames()).contains(sessionCookie);
    }

    /** Writes the head of a large multipart POST by hand and returns the status line, read before the body is sent. */
    private static String uploadHead(int port, String pathAndQuery, String cookies) throws Exception {
        try (java.net.Socket socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(20_000);
            String head = "POST " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
                    + (cookies.isEmpty() ? "" : "Cookie: " + cookies + "\r\n")
                    + "Content-Type: multipart/form-data; boundary=xyz\r\nContent-Length: " + (50L * 1024 * 1024) + "\r\n\r\n"
                    + "--xyz\r\nContent-Disposition: form-data; name=\"jar\"; filename=\"big.jar\"\r\n"
                    + "Content-Type: application/java-archive\r\n\r\n";
            java.io.OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.write(new byte[64 * 1024]); // of 50 MiB: the rest is never sent
            out.flush();
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII));
            return in.readLine();
        }
    }

    private static long filesIn(Path folder) throws Exception {
        if (!java.nio.file.Files.isDirectory(folder)) {
            return 0;
        }
        try (var files = java.nio.file.Files.walk(folder)) {
            return files.filter(java.nio.file.Files::isRegularFile).count();
        }
    }

    @Test
    void uploadsWithoutALoginOrWithoutATokenAreRefusedBeforeTheBodyIsRead() throws Exception {
        XmppServer node = node(Map.of());
        int port = node.adminConsole().port();
        Path uploads = node.homeDirectory().resolve("work").resolve("uploads");
        assertThat(uploadHead(port, "/plugins/upload", "")).startsWith("HTTP/1.1 403");

        ConsoleClient admin = loggedIn(node);
        admin.get("/plugins");
        assertThat(uploadHead(port, "/plugins/upload", admin.cookieHeader())).as("no token in the query").startsWith("HTTP/1.1 403");
        assertThat(uploadHead(port, "/plugins/upload?csrf=guess", admin.cookieHeader())).startsWith("HTTP/1.1 403");
        assertThat(filesIn(uploads)).isZero();
        assertThat(node.pluginManager().getPlugins()).isEmpty();
    }

    @Test
    void anAttackerBehindTheSameTunnelCannotKeepTheAdminOut() throws Exception {
        // everyone comes from 127.0.0.1, as through an SSH tunnel; one attempt at a time may wait per account
        XmppServer node = node(Map.of("xmpp.sasl.failureDelay", "200ms", "xmpp.sasl.failureDelayMax", "2s",
                "xmpp.sasl.maxConcurrentAttempts", "1"));
        ConsoleClient adminBrowser = loggedIn(node); // the admin's browser has logged in before: it is known
        adminBrowser.get("/");
        assertThat(adminBrowser.post("/logout", Map.of()).statusCode()).isEqualTo(302);
        adminBrowser.get("/login");

        ConsoleClient attacker = new ConsoleClient(node.adminConsole().port());
        attacker.get("/login");
        for (int i = 0; i < 8; i++) {
            assertThat(attacker.login("admin", "guess" + i).statusCode()).isIn(401, 429);
        }
        java.util.List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> guesses = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            guesses.add(attacker.loginAsync("admin", "parallel" + i));
        }
        HttpResponse<String> adminLogin = adminBrowser.post("/login", Map.of("username", "admin", "password", "correct horse"));
        assertThat(adminLogin.statusCode()).as("the admin gets in during the attack").isEqualTo(302);
        assertThat(adminBrowser.get("/").statusCode()).isEqualTo(200);

        java.util.List<Integer> statuses = new java.util.ArrayList<>();
        for (var guess : guesses) {
            statuses.add(guess.get(60, java.util.concurrent.TimeUnit.SECONDS).statusCode());
        }
        assertThat(statuses).as("parallel guesses beyond one under way are refused without a check").contains(429)
                .containsOnly(401, 429);
        HttpResponse<String> refused = guesses.stream().map(java.util.concurrent.CompletableFuture::join)
                .filter(r -> r.statusCode() == 429).findFirst().orElseThrow();
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(refused.body()).contains("Too many login attempts");
    }

    @Test
    void aUserThatIsNotAnAdminCannotLogIn() throws Exception {
        XmppServer node = node(Map.of());
        node.userManager().createUser("mallory", "secret", "", "");
        assertThat(new ConsoleClient(node.adminConsole().port()).login("mallory", "secret").statusCode()).isEqualTo(401);
    }

    @Test
    void aFormWithoutTheCsrfTokenIsRefusedAndChangesNothing() throws Exception {
        XmppServer node = node(Map.of());
        ConsoleClient admin = loggedIn(node);
        admin.get("/users");
        HttpResponse<String> forged = admin.postRaw("/users/create", "username=eve&password=x");
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(forged.body()).contains("CSRF");
        HttpResponse<String> wrongToken = admin.postRaw("/users/create", "csrf=guess&username=eve&password=x");
        assertThat(wrongToken.statusCode()).isEqualTo(403);
        assertThat(node.userManager().exists("eve")).isFalse();

        assertThat(admin.post("/users/create", Map.of("username", "eve", "password", "x")).statusCode()).isEqualTo(302);
        assertThat(node.userManager().exists("eve")).isTrue();
    }

    @Test
    void responsesCarrySecurityHeaders() throws Exception {
        XmppServer node = node(Map.of());
        HttpResponse<String> page = new ConsoleClient(node.adminConsole().port()).get("/login");
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(v -> assertThat(v).contains("frame-ancestors 'none'"));
        assertThat(page.headers().firstValue("X-Frame-Options")).contains("DENY");
        assertThat(page.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        assertThat(page.headers().firstValue("Referrer-Policy")).contains("no-referrer");
        assertThat(page.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c).contains("HttpOnly").containsIgnoringCase("SameSite=Strict"));
        assertThat(page.headers().firstValue("Server")).isEmpty();
    }

    @Test
    void logoutEndsTheSessionAndIdleSessionsExpire() throws Exception {
        XmppServer node = node(Map.of("admin.session.timeout", "1s"));
        ConsoleClient admin = loggedIn(node);
        admin.get("/");
        assertThat(admin.post("/logout", Map.of()).statusCode()).isEqualTo(302);
        assertThat(admin.get("/").statusCode()).isEqualTo(302);

        ConsoleClient idle = loggedIn(node);
        assertThat(idle.get("/").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).pollDelay(Duration.ofMillis(1500)).until(() -> idle.get("/").statusCode() == 302);
    }

    @Test
    void usersAreCreatedTheirPasswordsResetAndDeleted() throws Exception {
        XmppServer node = node(Map.of());
        ConsoleClient admin = loggedIn(node);
        admin.get("/users");
        admin.post("/users/create", Map.of("username", "Bob", "password", "one", "name", "Bob", "email", ""));
        assertThat(admin.get("/users").body()).contains("User bob created.").contains("data-user=\"bob\"");
        admin.post("/users/password", Map.of("username", "bob", "password", "two"));
        assertThat(node.userManager().checkPassword("bob", "two")).isTrue();
        admin.post("/users/delete", Map.of("username", "bob"));
        assertThat(node.userManager().exists("bob")).isFalse();
        admin.post("/users/delete", Map.of("username", "admin"));
        assertThat(admin.get("/users").body()).contains("You cannot delete the account you are logged in with.");
        assertThat(node.userManager().exists("admin")).isTrue();
    }

    @Test
    void cachesAreListedClearedAndResized() throws Exception {
        XmppServer node = node(Map.of());
        Cache<String, String> cache = node.cacheFactory().createCache("Demo Cache");
        cache.put("a", "1");
        cache.get("a");
        ConsoleClient admin = loggedIn(node);
        HttpResponse<String> page = admin.get("/caches");
        assertThat(page.body()).contains("data-cache=\"Demo Cache\"");

        admin.post("/caches/settings", Map.of("name", "Demo Cache", "maxSize", "2MiB", "maxLifetime", "30m"));
        assertThat(cache.getMaxCacheSize()).isEqualTo(2L * 1024 * 1024);
        assertThat(cache.getMaxLifetime()).isEqualTo(Duration.ofMinutes(30).toMillis());
        assertThat(node.config().get("cache.demo-cache.maxSize")).contains("2MiB");
        assertThat(node.config().get("cache.demo-cache.maxLifetime")).contains("30m");

        admin.post("/caches/settings", Map.of("name", "Demo Cache", "maxSize", "lots", "maxLifetime", "30m"));
        assertThat(admin.get("/caches").body()).contains("Cache Demo Cache was not changed");

        admin.post("/caches/clear", Map.of("name", "Demo Cache"));
        assertThat(cache).isEmpty();
    }

    @Test
    void clusteringPageShowsTheSwitchAndTheNodesAndExplainsAMissingPlugin() throws Exception {
        XmppServer node = node(Map.of());
        ConsoleClient admin = loggedIn(node);
        assertThat(admin.get("/clustering").body()).contains("No clustering plugin is loaded").contains("data-refresh=\"/clustering/nodes\"");
        HttpResponse<String> nodesFragment = admin.get("/clustering/nodes");
        assertThat(nodesFragment.body()).contains("data-node=\"" + node.nodeId().value() + "\"").contains("(this node)")
                .contains("Clustering is off");

        admin.get("/clustering");
        admin.post("/clustering/toggle", Map.of("enabled", "true"));
        assertThat(node.config().getBoolean("clustering.enabled", false)).isTrue();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(admin.get("/clustering/nodes").body())
                .contains("no clustering plugin is loaded"));
    }

    @Test
    void pluginsAreUploadedReloadedAndDeletedAndTheirPagesAppear() throws Exception {
        XmppServer node = node(Map.of());
        ConsoleClient admin = loggedIn(node);
        byte[] jar = PluginJarBuilder.plugin("test.pages.PagesPlugin", "Pages")
                .version("2.0")
                .pluginXml("<plugin><class>test.pages.PagesPlugin</class><name>Pages</name><version>2.0</version>"
                        + "<description>A plugin with a page</description>"
                        + "<adminconsole><page id=\"hello\" name=\"pages.nav\" url=\"hello.html\"/></adminconsole></plugin>")
                .javaSource("test.pages.PagesPlugin", "package test.pages;\n"
                        + "public class PagesPlugin implements org.skein.plugin.Plugin, org.skein.plugin.AdminPageModel {\n"
                        + "  public void initializePlugin(org.skein.plugin.PluginContext c) {}\n"
                        + "  public void destroyPlugin() {}\n"
                        + "  public java.util.Map<String, Object> model(String page, java.util.Map<String, String> p, java.util.Locale l) {\n"
                        + "    return java.util.Map.of(\"who\", p.getOrDefault(\"who\", \"<nobody>\"));\n"
                        + "  }\n"
                        + "}\n")
                .file("web/hello.html", "<p xmlns:th=\"http://www.thymeleaf.org\" id=\"greeting\" th:text=\"#{pages.greeting(${who})}\">hi</p>")
                .file("i18n/pages_i18n.properties", "pages.nav=Hello page\npages.greeting=Hello, {0}!\n")
                .file("i18n/pages_i18n_de.properties", "pages.nav=Hallo-Seite\npages.greeting=Hallo, {0}!\n")
                .build();

        admin.get("/plugins");
        HttpResponse<String> uploaded = admin.upload("/plugins/upload", "jar", "pages.jar", jar);
        assertThat(uploaded.statusCode()).isEqualTo(302);
        assertThat(node.pluginManager().getPlugin("pages")).isPresent();
        HttpResponse<String> list = admin.get("/plugins");
        assertThat(list.body()).contains("Plugin Pages 2.0 installed.").contains("A plugin with a page")
                .contains("href=\"/plugin/pages/hello\"").contains("Hello page");

        HttpResponse<String> page = admin.get("/plugin/pages/hello?who=%3Cscript%3E");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Hello, &lt;script&gt;!").doesNotContain("Hello, <script>");
        admin.get("/language?lang=de");
        assertThat(admin.get("/plugin/pages/hello?who=Welt").body()).contains("Hallo, Welt!").contains("Hallo-Seite");

        admin.get("/plugins");
        admin.post("/plugins/reload", Map.of("id", "pages"));
        assertThat(admin.get("/plugins").body()).contains("Plugin Pages neu geladen.");
        admin.post("/plugins/delete", Map.of("id", "pages"));
        assertThat(node.pluginManager().getPlugin("pages")).isEmpty();
        assertThat(admin.get("/plugin/pages/hello").statusCode()).isEqualTo(404);
    }

    @Test
    void theConsolesOwnScriptAndStylesAreServedWithoutALogin() throws Exception {
        XmppServer node = node(Map.of());
        ConsoleClient anonymous = new ConsoleClient(node.adminConsole().port());
        HttpResponse<String> css = anonymous.get("/static/admin.css");
        assertThat(css.statusCode()).isEqualTo(200);
        assertThat(css.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/css"));
        assertThat(anonymous.get("/static/admin.js").body()).contains("data-refresh");
        assertThat(anonymous.get("/static/").statusCode()).isIn(403, 404);
        assertThat(anonymous.get("/static/../templates/login.html").body()).doesNotContain("th:text");
    }

    @Test
    void pagesSpeakGermanAndChinese() throws Exception {
        XmppServer node = node(Map.of());
        ConsoleClient admin = loggedIn(node);
        assertThat(admin.get("/", "de-DE,de;q=0.9").body()).contains("Übersicht").contains("Dieser Knoten");
        admin.get("/language?lang=zh-CN");
        assertThat(admin.get("/").body()).contains("概览").contains("本节点");
    }

    @Test
    void sessionsAreListedWithPresenceSearchedPagedAndClosed() throws Exception {
        XmppServer node = node(Map.of());
        node.userManager().createUser("alice", "secret", "", "");
        node.userManager().createUser("bob", "secret", "", "");
        try (SmackClients clients = new SmackClients(node)) {
            XMPPTCPConnection alice = clients.login("alice", "secret", "phone");
            XMPPTCPConnection bob = clients.login("bob", "secret", "desk");
            bob.sendStanza(bob.getStanzaFactory().buildPresenceStanza().setMode(Presence.Mode.away).setStatus("at lunch").build());
            List<Exception> aliceErrors = new CopyOnWriteArrayList<>();
            alice.addConnectionListener(new ConnectionListener() {
                @Override
                public void connectionClosedOnError(Exception e) {
                    aliceErrors.add(e);
                }
            });

            ConsoleClient admin = loggedIn(node);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                String page = admin.get("/sessions").body();
                assertThat(sessionRow(page, "bob@localhost/desk")).contains("away").contains("at lunch").contains("<td>127.0.0.1:")
                        .contains("(this node)").contains(node.nodeId().value());
                assertThat(sessionRow(page, "alice@localhost/phone")).contains(">available<");
            });
            assertThat(admin.get("/").body()).contains("2 on this node, 2 in the cluster");
            assertThat(admin.get("/clustering/nodes").body()).containsPattern("<td class=\"number sessions\">2</td>");

            HttpResponse<String> search = admin.get("/sessions?q=BOB");
            assertThat(search.body()).contains("data-jid=\"bob@localhost/desk\"").doesNotContain("data-jid=\"alice@localhost/phone\"")
                    .contains("Sessions matching &quot;BOB&quot;: 1");

            // sessions another node wrote into sessions.info: the list pages through all of them in JID order
            Cache<Object, Object> info = node.cacheFactory().getCache(SessionManager.INFO_CACHE).orElseThrow();
            for (int i = 0; i < 60; i++) {
                info.put(String.format("user%02d@localhost/r", i), new SessionInfo(NodeID.of("elsewhere"), "", 0, 0L, "10.0.0.1:5000", "s" + i));
            }
            String first = admin.get("/sessions").body();
            assertThat(countRows(first)).isEqualTo(SessionsPage.PAGE_SIZE);
            assertThat(first).contains("Client sessions in the cluster: 62, on this node: 2.").contains("page 1 of 2")
                    .contains("data-jid=\"alice@localhost/phone\"").doesNotContain("data-jid=\"user59@localhost/r\"")
                    .contains("href=\"/sessions?q=&amp;page=1\"");
            assertThat(first.indexOf("data-jid=\"alice@localhost/phone\"")).isLessThan(first.indexOf("data-jid=\"bob@localhost/desk\""));
            String second = admin.get("/sessions?page=1").body();
            assertThat(countRows(second)).isEqualTo(12);
            assertThat(second).contains("data-jid=\"user59@localhost/r\"").contains("not available").contains("page 2 of 2");
            assertThat(countRows(admin.get("/sessions?q=user5").body())).isEqualTo(10);
            for (int i = 0; i < 60; i++) {
                info.remove(String.format("user%02d@localhost/r", i));
            }

            admin.get("/sessions");
            HttpResponse<String> forged = admin.postRaw("/sessions/close", "jid=" + enc("alice@localhost/phone"));
            assertThat(forged.statusCode()).isEqualTo(403);
            assertThat(alice.isConnected()).isTrue();

            HttpResponse<String> closed = admin.post("/sessions/close", Map.of("jid", "alice@localhost/phone", "q", "", "page", "0"));
            assertThat(closed.statusCode()).isEqualTo(302);
            assertThat(closed.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).contains("/sessions?q=&page=0"));
            // the listener hears of the stream error after the connection is marked closed
            await().atMost(Duration.ofSeconds(10)).until(() -> !alice.isConnected() && !aliceErrors.isEmpty());
            assertThat(aliceErrors).singleElement().satisfies(e -> assertThat(e).isInstanceOf(XMPPException.StreamErrorException.class)
                    .hasMessageContaining("policy-violation"));
            assertThat(admin.get("/sessions").body()).contains("The session alice@localhost/phone on node " + node.nodeId().value() + " was closed.");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(admin.get("/sessions").body()).doesNotContain("data-jid=\"alice@localhost/phone\""));
            assertThat(bob.isConnected()).isTrue();

            admin.post("/sessions/close", Map.of("jid", "alice@localhost/phone"));
            assertThat(admin.get("/sessions").body()).contains("There is no session alice@localhost/phone (any more).");
            admin.post("/sessions/close", Map.of("jid", "bob@localhost"));
            assertThat(admin.get("/sessions").body()).contains("Not the full JID of a session: bob@localhost");
            admin.post("/sessions/close", Map.of("jid", "not a jid@@/"));
            assertThat(admin.get("/sessions").body()).contains("Not the full JID of a session");
            assertThat(bob.isConnected()).isTrue();
        }
    }

    @Test
    void onTwoClusteredNodesEachConsoleListsBothNodesSessionsAndClosesOneOnTheOtherNode() throws Exception {
        InMemoryCluster cluster = new InMemoryCluster();
        nodes = new TestNodes(dir);
        Map<String, String> config = Map.of("admin.enabled", "true", "admin.port", "0", "admin.initialPassword", "correct horse",
                "clustering.enabled", "true");
        XmppServer one = nodes.start("one", withId(config, "one"));
        XmppServer two = nodes.start("two", withId(config, "two"));
        for (XmppServer node : List.of(one, two)) {
            node.clusterManager().registerProvider(cluster.provider());
            node.clusterManager().startup();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> one.cacheFactory().isClustered() && two.cacheFactory().isClustered());
        one.userManager().createUser("alice", "secret", "", "");
        two.userManager().createUser("bob", "secret", "", "");
        try (SmackClients onOne = new SmackClients(one); SmackClients onTwo = new SmackClients(two)) {
            onOne.login("alice", "secret", "phone");
            XMPPTCPConnection bob = onTwo.login("bob", "secret", "desk");
            ConsoleClient admin = loggedIn(one);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                String page = admin.get("/sessions").body();
                assertThat(sessionRow(page, "bob@localhost/desk")).contains("data-node=\"two\"").doesNotContain("(this node)");
                assertThat(sessionRow(page, "alice@localhost/phone")).contains("data-node=\"one\"").contains("(this node)");
            });
            assertThat(admin.get("/").body()).contains("1 on this node, 2 in the cluster");
            String nodesTable = admin.get("/clustering/nodes").body();
            assertThat(nodeRow(nodesTable, "one")).contains("<td class=\"number sessions\">1</td>");
            assertThat(nodeRow(nodesTable, "two")).contains("<td class=\"number sessions\">1</td>");

            // the node installed its session locator when it joined: node two's session is closed there, by a cluster task
            admin.get("/sessions");
            admin.post("/sessions/close", Map.of("jid", "bob@localhost/desk"));
            await().atMost(Duration.ofSeconds(10)).until(() -> !bob.isConnected());
            assertThat(admin.get("/sessions").body()).contains("The session bob@localhost/desk on node two was closed.");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(admin.get("/sessions").body()).doesNotContain("data-jid=\"bob@localhost/desk\""));
        }
    }

    @Test
    void theSessionsPageShowsStreamManagementItsQueueDetachedSessionsAndClientStateOfEveryNode() throws Exception {
        InMemoryCluster cluster = new InMemoryCluster();
        nodes = new TestNodes(dir);
        Map<String, String> config = Map.of("admin.enabled", "true", "admin.port", "0", "admin.initialPassword", "correct horse",
                "clustering.enabled", "true");
        XmppServer one = nodes.start("one", withId(config, "one"));
        XmppServer two = nodes.start("two", withId(config, "two"));
        for (XmppServer node : List.of(one, two)) {
            node.clusterManager().registerProvider(cluster.provider());
            node.clusterManager().startup();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> one.cacheFactory().isClustered() && two.cacheFactory().isClustered());
        one.userManager().createUser("alice", "secret", "", "");
        two.userManager().createUser("bob", "secret", "", "");
        try (SmackClients onOne = new SmackClients(one); SmackClients onTwo = new SmackClients(two)) {
            XMPPTCPConnection alice = onOne.unconnected("alice", "secret", "phone");
            alice.setUseStreamManagement(false);
            alice.connect().login();
            XMPPTCPConnection bob = onTwo.unconnected("bob", "secret", "mobile");
            bob.setUseStreamManagement(true);
            bob.setUseStreamManagementResumption(true);
            bob.connect().login();
            assertThat(bob.isSmEnabled()).isTrue();
            ConsoleClient admin = loggedIn(one);

            // bob's session is on node two: node one's page asks node two for its state
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                String page = admin.get("/sessions").body();
                assertThat(sessionRow(page, "bob@localhost/mobile")).contains("data-node=\"two\"").contains("data-sm=\"true\"")
                        .contains("data-detached=\"false\"").contains("unacknowledged").contains("data-csi=\"active\"");
                assertThat(sessionRow(page, "alice@localhost/phone")).contains("data-sm=\"false\"").contains(">off<")
                        .contains("data-csi=\"active\"").doesNotContain("awaiting resumption");
            });
            assertThat(admin.get("/sessions").body()).contains("<th>Stream management</th>").contains("<th>Client state</th>");

            ClientStateIndicationManager.inactive(bob);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(sessionRow(admin.get("/sessions").body(),
                    "bob@localhost/mobile")).contains("data-csi=\"inactive\"").contains(">inactive<"));

            // the connection drops without a goodbye: the session waits for bob to resume, and queues what comes
            bob.instantShutdown();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(sessionRow(admin.get("/sessions").body(),
                    "bob@localhost/mobile")).contains("data-detached=\"true\"").contains("detached: awaiting resumption"));
            two.userManager().createUser("carol", "secret", "", "");
            XMPPTCPConnection carol = onTwo.login("carol", "secret", "desk");
            carol.sendStanza(carol.getStanzaFactory().buildMessageStanza().to(org.jxmpp.jid.impl.JidCreate.from("bob@localhost/mobile"))
                    .ofType(org.jivesoftware.smack.packet.Message.Type.chat).setBody("while you were away").build());
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                java.util.regex.Matcher unacked = Pattern.compile("data-unacked=\"(\\d+)\"")
                        .matcher(sessionRow(admin.get("/sessions").body(), "bob@localhost/mobile"));
                assertThat(unacked.find()).isTrue();
                assertThat(Integer.parseInt(unacked.group(1))).isGreaterThanOrEqualTo(1);
            });
        }
    }

    @Test
    void httpsServesTheConsoleWithTheNodesXmppCertificate() throws Exception {
        XmppServer node = node(Map.of("admin.https.enabled", "true", "admin.https.port", "0"));
        assertThat(node.adminConsole().httpsPort()).isPositive();
        assertThat(node.adminConsole().port()).isPositive().isNotEqualTo(node.adminConsole().httpsPort());

        ConsoleClient secure = ConsoleClient.https(node.adminConsole().httpsPort(), pinning(node.tlsCertificate()));
        HttpResponse<String> login = secure.get("/login");
        assertThat(login.statusCode()).isEqualTo(200);
        assertThat(login.body()).contains("Log in").contains("name=\"csrf\"");
        assertThat(login.sslSession()).hasValueSatisfying(tls -> {
            try {
                assertThat(tls.getPeerCertificates()[0]).isEqualTo(node.tlsCertificate());
            } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
                throw new AssertionError(e);
            }
        });
        assertThat(login.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c).contains("SKEIN_").contains("Secure"));
        assertThat(login.headers().firstValue("Strict-Transport-Security")).as("no HSTS while plain HTTP is served").isEmpty();
        assertThat(secure.post("/login", Map.of("username", "admin", "password", "correct horse")).statusCode()).isEqualTo(302);
        assertThat(secure.get("/").body()).contains(node.nodeId().value());
        // the plain port still answers, and its cookie is not marked secure
        assertThat(new ConsoleClient(node.adminConsole().port()).get("/login").headers().allValues("Set-Cookie"))
                .allSatisfy(c -> assertThat(c).doesNotContain("Secure"));

        // a client that trusts only the usual public authorities refuses the self-signed certificate
        ConsoleClient untrusting = ConsoleClient.https(node.adminConsole().httpsPort(), javax.net.ssl.SSLContext.getDefault());
        assertThatThrownBy(() -> untrusting.get("/login")).isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
    }

    @Test
    void httpsOnlyConsoleAsksBrowsersToStayOnHttps() throws Exception {
        XmppServer node = node(Map.of("admin.https.enabled", "true", "admin.https.port", "0", "admin.http.enabled", "false"));
        assertThat(node.adminConsole().port()).isEqualTo(-1);
        HttpResponse<String> login = ConsoleClient.https(node.adminConsole().httpsPort(), pinning(node.tlsCertificate())).get("/login");
        assertThat(login.statusCode()).isEqualTo(200);
        assertThat(login.headers().firstValue("Strict-Transport-Security")).contains("max-age=31536000");
    }

    @Test
    void badConsolePortSettingsNameTheKeyAndWhatWasExpected() throws Exception {
        assertThatThrownBy(() -> node(Map.of("admin.https.enabled", "true", "admin.https.port", "nine")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("admin.https.port").hasMessageContaining("a whole number");
        nodes.close();
        assertThatThrownBy(() -> node(Map.of("admin.https.enabled", "true", "admin.https.port", "70000")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("admin.https.port").hasMessageContaining("from 0 to 65535");
        nodes.close();
        assertThatThrownBy(() -> node(Map.of("admin.http.enabled", "false")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("admin.http.enabled").hasMessageContaining("admin.https.enabled");
        nodes.close();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThatThrownBy(() -> node(Map.of("admin.https.enabled", "true", "admin.https.port", Integer.toString(taken.getLocalPort()))))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("admin.https.port")
                    .hasMessageContaining("127.0.0.1:" + taken.getLocalPort()).hasMessageContaining("expected a free port");
        }
    }

    /** Trusts exactly this certificate (the console's host name, 127.0.0.1, is not the certificate's XMPP domain). */
    private static javax.net.ssl.SSLContext pinning(X509Certificate certificate) throws Exception {
        X509TrustManager trust = SmackClients.trusting(certificate);
        X509ExtendedTrustManager pinned = new X509ExtendedTrustManager() {
            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, java.net.Socket socket) throws CertificateException {
                trust.checkServerTrusted(chain, authType);
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, javax.net.ssl.SSLEngine engine) throws CertificateException {
                trust.checkServerTrusted(chain, authType);
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                trust.checkServerTrusted(chain, authType);
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, java.net.Socket socket) throws CertificateException {
                throw new CertificateException("not a server");
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, javax.net.ssl.SSLEngine engine) throws CertificateException {
                throw new CertificateException("not a server");
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                throw new CertificateException("not a server");
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return trust.getAcceptedIssuers();
            }
        };
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(null, new javax.net.ssl.TrustManager[] {pinned}, null);
        return context;
    }

    private static Map<String, String> withId(Map<String, String> config, String id) {
        Map<String, String> all = new HashMap<>(config);
        all.put("node.id", id);
        return all;
    }

    /** The table row of a session in the sessions page, or "" if it is not there. */
    private static String sessionRow(String page, String jid) {
        return row(page, "data-jid=\"" + jid + "\"");
    }

    private static String nodeRow(String fragment, String nodeId) {
        return row(fragment, "data-node=\"" + nodeId + "\"");
    }

    private static String row(String page, String marker) {
        int at = page.indexOf(marker);
        if (at < 0) {
            return "";
        }
        int start = page.lastIndexOf("<tr", at);
        int end = page.indexOf("</tr>", at);
        return page.substring(start, end);
    }

    private static int countRows(String page) {
        return (int) Pattern.compile("<tr class=\"session\"").matcher(page).results().count();
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }
}
