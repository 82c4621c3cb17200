package org.skein.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.skein.XmppServer;
import org.skein.cache.Cache;
import org.skein.plugin.PluginJarBuilder;
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
    void aWrongPasswordIsRefusedAndRepeatedFailuresAreThrottled() throws Exception {
        XmppServer node = node(Map.of());
        ConsoleClient client = new ConsoleClient(node.adminConsole().port());
        HttpResponse<String> wrong = client.login("admin", "wrong");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).contains("Wrong user name or password");
        for (int i = 0; i < 5; i++) {
            client.login("admin", "wrong");
        }
        HttpResponse<String> throttled = client.login("admin", "correct horse");
        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(throttled.headers().firstValue("Retry-After")).isPresent();
        assertThat(throttled.body()).contains("Too many failed logins");
        assertThat(client.get("/").statusCode()).isEqualTo(302);
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
}
