package org.skein.hazelcast.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.jivesoftware.smack.ConnectionListener;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.skein.XmppServer;
import org.skein.c2s.SmackClients;

/**
 * The admin console in a real headless Chromium against two in-JVM nodes with the real Hazelcast
 * plugin, clustering off at first, as an operator would use it: log in (a wrong password and a form
 * without its CSRF token are refused), switch clustering on for both nodes and see both in the node
 * table, open the plugin's node page, see a session that logged in on the other node and close it,
 * switch clustering off on one node and see it leave. Screenshots of the main pages go to
 * {@code target/screenshots/}, and of any failed step with its page source.
 *
 * <p>The steps build on each other and run in order on one cluster and one browser.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdminConsoleBrowserIT {

    private static final String PASSWORD = "browser test password";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path dir;

    private HazelcastNodes nodes;
    private XmppServer one;
    private XmppServer two;
    private Browser browser;
    private WebDriver web;
    private SmackClients clients;

    @BeforeAll
    void start() throws Exception {
        nodes = new HazelcastNodes(dir, "one", "two");
        Map<String, String> config = Map.of("clustering.enabled", "false", "admin.enabled", "true", "admin.port", "0",
                "admin.initialPassword", PASSWORD, "cache.stats.interval", "1s");
        one = nodes.startWithoutWaiting("one", config);
        two = nodes.startWithoutWaiting("two", config);
        browser = new Browser();
        web = browser.driver();
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (clients != null) {
                clients.close();
            }
            if (browser != null) {
                browser.close();
                await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(browser.aliveProcesses())
                        .as("chromedriver and chromium processes after quit").isEmpty());
            }
        } finally {
            nodes.close();
        }
    }

    @Test
    @Order(1)
    void aWrongPasswordAndAFormWithoutCsrfTokenAreRefused() {
        step("login", () -> {
            assertThat(browser.processCount()).as("the driver and browser processes we watch").isGreaterThanOrEqualTo(2);
            open(one, "/");
            assertThat(web.getCurrentUrl()).endsWith("/login");
            submitLogin("admin", "not the password");
            assertThat(text(By.id("login-error"))).contains("Wrong user name or password");
            assertThat(web.getCurrentUrl()).endsWith("/login");

            logIn(one);
            assertThat(text(By.id("node-id"))).isEqualTo("one");
            assertThat(text(By.id("cluster-state"))).contains("Clustering is off");
            screenshot("dashboard");

            // the browser's own session, but no token: refused, and nothing changes
            Map<?, ?> answer = (Map<?, ?>) ((JavascriptExecutor) web).executeAsyncScript(
                    "const done = arguments[arguments.length - 1];"
                            + "fetch('/users/create', {method: 'POST', credentials: 'same-origin',"
                            + " body: new URLSearchParams({username: 'eve', password: 'x'})})"
                            + ".then(r => r.text().then(t => done({status: r.status, body: t})))"
                            + ".catch(e => done({status: -1, body: String(e)}));");
            assertThat(((Number) answer.get("status")).intValue()).isEqualTo(403);
            assertThat((String) answer.get("body")).contains("CSRF");
            assertThat(one.userManager().exists("eve")).isFalse();
            // the same request with the page's token is accepted (so the 403 was the token's doing)
            open(one, "/users");
            web.findElement(By.id("new-username")).sendKeys("carol");
            web.findElement(By.id("new-password")).sendKeys("carol's password");
            web.findElement(By.id("create-user")).click();
            await().atMost(WAIT).until(() -> one.userManager().exists("carol"));
            assertThat(text(By.id("flash"))).contains("User carol created.");
            screenshot("users");
        });
    }

    @Test
    @Order(2)
    void clusteringSwitchedOnForBothNodesShowsBothNodesInTheTable() {
        step("clustering-on", () -> {
            switchClustering(one, true);
            awaitText(By.id("cluster-status"), "This node is in the cluster, as the senior member.");

            logIn(two);
            switchClustering(two, true);
            awaitText(By.id("cluster-status"), "This node is in the cluster, as a member.");

            open(one, "/clustering");
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(nodeRows()).containsExactly("one", "two"));
            assertThat(web.findElement(By.cssSelector("#nodes-table tr[data-node='one']")).getText()).contains("(this node)").contains("yes");
            assertThat(web.findElement(By.cssSelector("#nodes-table tr[data-node='two']")).getText()).contains("hazelcast");
            assertThat(one.config().getBoolean("clustering.enabled", false)).as("the switch is saved").isTrue();
            screenshot("clustering");

            open(one, "/");
            assertThat(text(By.id("cluster-state"))).contains("in a cluster");
            assertThat(text(By.id("cluster-nodes"))).isEqualTo("2");

            // each cache on each node, from the statistics both nodes publish
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
                open(one, "/caches");
                assertThat(web.findElements(By.cssSelector("#caches-table tr[data-cache='sessions.info'][data-node='two']"))).hasSize(1);
                assertThat(web.findElements(By.cssSelector("#caches-table tr[data-cache='sessions.info'][data-node='one']"))).hasSize(1);
            });
            screenshot("caches");

            open(one, "/plugins");
            assertThat(web.findElement(By.cssSelector("#plugins-table tr[data-plugin='hazelcast']")).getText()).contains("Skein Hazelcast plugin");
            screenshot("plugins");
        });
    }

    @Test
    @Order(3)
    void theHazelcastPluginsNodePageShowsTheMembers() {
        step("hazelcast-node-page", () -> {
            open(one, "/");
            web.findElement(By.id("nav-plugin-hazelcast-hazelcast-node")).click();
            awaitText(By.cssSelector(".hazelcast-node h1"), "Cluster node one");
            List<String> members = web.findElements(By.cssSelector("#members li a")).stream().map(WebElement::getText).collect(Collectors.toList());
            assertThat(members).containsExactly("one", "two");
            web.findElement(By.linkText("two")).click();
            awaitText(By.cssSelector(".hazelcast-node h1"), "Cluster node two");
            screenshot("hazelcast-node"); // also: the plugin's page broke no rule of the console's security policy
            assertThat(text(By.id("memory"))).contains("MiB used");
            assertThat(Integer.parseInt(web.findElement(By.id("memory-gauge")).getAttribute("value"))).isBetween(1, 100);
        });
    }

    @Test
    @Order(4)
    void aSessionOnNodeTwoIsShownOnNodeOneAndClosedFromThere() throws Exception {
        two.userManager().createUser("bob", "secret", "Bob", "");
        clients = new SmackClients(two);
        XMPPTCPConnection bob = clients.login("bob", "secret", "browser");
        List<Exception> closedWith = new CopyOnWriteArrayList<>();
        bob.addConnectionListener(new ConnectionListener() {
            @Override
            public void connectionClosedOnError(Exception e) {
                closedWith.add(e);
            }
        });
        By bobRow = By.cssSelector("#sessions-table tr[data-jid='bob@localhost/browser']");
        step("sessions", () -> {
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
                open(one, "/sessions");
                assertThat(web.findElement(bobRow).getAttribute("data-node")).isEqualTo("two");
            });
            assertThat(web.findElement(bobRow).getText()).contains("127.0.0.1:").doesNotContain("(this node)");
            // the counts: none on node one, one in the cluster, node two's in the node table
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
                open(one, "/");
                assertThat(text(By.id("session-counts"))).isEqualTo("0 on this node, 1 in the cluster");
            });
            open(one, "/clustering");
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
                assertThat(text(By.cssSelector("#nodes-table tr[data-node='two'] td.sessions"))).isEqualTo("1");
                assertThat(text(By.cssSelector("#nodes-table tr[data-node='one'] td.sessions"))).isEqualTo("0");
            });
            open(one, "/sessions");
            web.findElement(By.id("session-search")).sendKeys("bob");
            web.findElement(By.id("session-search-button")).click();
            awaitText(By.id("session-matches"), "Sessions matching \"bob\": 1");
            screenshot("sessions");
        });
        step("close-session", () -> {
            web.findElement(bobRow).findElement(By.cssSelector("button.close-session")).click();
            await().atMost(WAIT).ignoreExceptions().until(() -> {
                web.switchTo().alert().accept(); // the console asks before it closes a session
                return true;
            });
            awaitText(By.id("flash"), "The session bob@localhost/browser on node two was closed.");
            await().atMost(WAIT).until(() -> !bob.isConnected() && !closedWith.isEmpty());
            assertThat(closedWith).singleElement().isInstanceOf(XMPPException.StreamErrorException.class);
            assertThat(closedWith.get(0)).hasMessageContaining("policy-violation");
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
                open(one, "/sessions");
                assertThat(web.findElements(bobRow)).isEmpty();
            });
        });
    }

    @Test
    @Order(5)
    void clusteringSwitchedOffOnNodeTwoMakesItLeaveTheTable() {
        step("clustering-off", () -> {
            switchClustering(two, false);
            awaitText(By.id("cluster-status"), "Clustering is off: this node serves its users alone.");
            assertThat(two.config().getBoolean("clustering.enabled", true)).isFalse();

            open(one, "/clustering");
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(nodeRows()).containsExactly("one"));
            assertThat(text(By.id("cluster-status"))).contains("in the cluster, as the senior member");
            screenshot("clustering-after-leave");
        });
    }

    /** Saves a screenshot of the page after checking that it loaded without policy violations or script errors. */
    private void screenshot(String name) {
        assertThat(browser.pageErrors()).as("browser console of " + web.getCurrentUrl()).isEmpty();
        browser.screenshot(name);
    }

    private void open(XmppServer node, String path) {
        web.get("http://127.0.0.1:" + node.adminConsole().port() + path);
    }

    private void submitLogin(String user, String password) {
        web.findElement(By.id("username")).sendKeys(user);
        web.findElement(By.id("password")).sendKeys(password);
        web.findElement(By.id("login")).click();
    }

    private void logIn(XmppServer node) {
        open(node, "/login");
        submitLogin("admin", PASSWORD);
        await().atMost(WAIT).ignoreExceptions().until(() -> web.findElement(By.id("node-id")).getText().equals(node.nodeId().value()));
    }

    private void switchClustering(XmppServer node, boolean on) {
        open(node, "/clustering");
        web.findElement(By.id(on ? "clustering-on" : "clustering-off")).click();
        web.findElement(By.id("clustering-save")).click();
        awaitText(By.id("flash"), on ? "Clustering is being switched on" : "Clustering is being switched off");
    }

    /** The node ids in the node table, as the page's script last refreshed it. */
    private List<String> nodeRows() {
        return web.findElements(By.cssSelector("#nodes-table tbody tr")).stream().map(r -> r.getAttribute("data-node"))
                .collect(Collectors.toList());
    }

    private String text(By by) {
        return web.findElement(by).getText();
    }

    private void awaitText(By by, String expected) {
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(web.findElement(by).getText()).contains(expected));
    }

    private interface Step {
        void run() throws Exception;
    }

    /** Runs a step; if it fails, keeps a screenshot and the page source named after it. */
    private void step(String name, Step step) {
        try {
            step.run();
        } catch (Throwable e) {
            browser.saveFailure(name);
            if (e instanceof RuntimeException r) {
                throw r;
            }
            if (e instanceof Error err) {
                throw err;
            }
            throw new AssertionError(e);
        }
    }
}
