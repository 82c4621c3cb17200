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
import org.openqa.selenium.support.ui.ExpectedConditions;
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
 * <p>The steps build on each other and run in order on one cluster and one browser. Every look at a
 * page waits for its condition ({@link Browser#until}: WebDriver waits and {@link ExpectedConditions}):
 * after a click that posts a form, for the old page to go and the element to show on the new one, so
 * that the test holds on a machine whose cores are busy with other work.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdminConsoleBrowserIT {

    private static final String PASSWORD = "browser test password";
    private static final Duration WAIT = Browser.PATIENCE;

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
            browser.until(ExpectedConditions.urlMatches("/login$"));
            submitLogin("admin", "not the password");
            awaitText(By.id("login-error"), "Wrong user name or password");
            assertThat(web.getCurrentUrl()).endsWith("/login");

            logIn(one);
            assertThat(text(By.id("node-id"))).isEqualTo("one");
            awaitText(By.id("cluster-state"), "Clustering is off");
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
            element(By.id("new-username")).sendKeys("carol");
            element(By.id("new-password")).sendKeys("carol's password");
            submit(By.id("create-user"));
            awaitText(By.id("flash"), "User carol created.");
            assertThat(one.userManager().exists("carol")).isTrue();
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
            browser.until(driver -> nodeRows().equals(List.of("one", "two")));
            assertThat(text(By.cssSelector("#nodes-table tr[data-node='one']"))).contains("(this node)").contains("yes");
            assertThat(text(By.cssSelector("#nodes-table tr[data-node='two']"))).contains("hazelcast");
            assertThat(one.config().getBoolean("clustering.enabled", false)).as("the switch is saved").isTrue();
            screenshot("clustering");

            open(one, "/");
            awaitText(By.id("cluster-state"), "in a cluster");
            assertThat(text(By.id("cluster-nodes"))).isEqualTo("2");

            // each cache on each node, from the statistics both nodes publish (the page is loaded again until both show)
            browser.until(driver -> {
                open(one, "/caches");
                return web.findElements(By.cssSelector("#caches-table tr[data-cache='sessions.info'][data-node='two']")).size() == 1
                        && web.findElements(By.cssSelector("#caches-table tr[data-cache='sessions.info'][data-node='one']")).size() == 1;
            });
            screenshot("caches");

            open(one, "/plugins");
            assertThat(text(By.cssSelector("#plugins-table tr[data-plugin='hazelcast']"))).contains("Skein Hazelcast plugin");
            screenshot("plugins");
        });
    }

    @Test
    @Order(4)
    void aPlainHazelcastMemberIsShownAndFlaggedInTheNodeTableAndOnTheNodePage() throws Exception {
        step("foreign-member", () -> {
            try (PlainMember plain = new PlainMember(nodes, one, "one", "two")) {
                By row = By.cssSelector("#nodes-table tr.foreign[data-member='" + plain.memberId() + "']");
                open(one, "/clustering");
                browser.until(ExpectedConditions.visibilityOfElementLocated(row));
                assertThat(element(row).getAttribute("data-reason")).isEqualTo("NOT_A_SKEIN_NODE");
                assertThat(text(row)).contains("not a node of this cluster").contains("(no node id)")
                        .contains("isolate the cluster port");
                assertThat(nodeRows()).as("the Skein nodes are still there").contains("one", "two");
                screenshot("clustering-foreign-member");

                open(one, "/");
                submit(By.id("nav-plugin-hazelcast-hazelcast-node"));
                awaitText(By.cssSelector("#members li.foreign"), "not a Skein node");
                assertThat(text(By.cssSelector("#members li.foreign"))).contains("(no node id)");
            }
            open(one, "/clustering");
            browser.until(driver -> web.findElements(By.cssSelector("#nodes-table tr.foreign")).isEmpty());
        });
    }

    @Test
    @Order(3)
    void theHazelcastPluginsNodePageShowsTheMembers() {
        step("hazelcast-node-page", () -> {
            open(one, "/");
            submit(By.id("nav-plugin-hazelcast-hazelcast-node"));
            awaitText(By.cssSelector(".hazelcast-node h1"), "Cluster node one");
            List<String> members = browser.until(ExpectedConditions.visibilityOfAllElementsLocatedBy(By.cssSelector("#members li a")))
                    .stream().map(WebElement::getText).collect(Collectors.toList());
            assertThat(members).containsExactly("one", "two");
            submit(By.linkText("two"));
            awaitText(By.cssSelector(".hazelcast-node h1"), "Cluster node two");
            screenshot("hazelcast-node"); // also: the plugin's page broke no rule of the console's security policy
            assertThat(text(By.id("memory"))).contains("MiB used");
            assertThat(Integer.parseInt(element(By.id("memory-gauge")).getAttribute("value"))).isBetween(1, 100);
        });
    }

    @Test
    @Order(5)
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
            browser.until(driver -> {
                open(one, "/sessions");
                return web.findElements(bobRow).stream().anyMatch(row -> "two".equals(row.getAttribute("data-node")));
            });
            assertThat(text(bobRow)).contains("127.0.0.1:").doesNotContain("(this node)");
            // the stream state comes from node two, which holds the session
            WebElement sm = element(bobRow).findElement(By.cssSelector("td.sm"));
            assertThat(sm.getAttribute("data-detached")).isEqualTo("false");
            assertThat(sm.getText()).matches(sm.getAttribute("data-sm").equals("true") ? "on, \\d+ unacknowledged" : "off");
            assertThat(element(bobRow).findElement(By.cssSelector("td.csi")).getText()).isEqualTo("active");
            // the counts: none on node one, one in the cluster, node two's in the node table
            browser.until(driver -> {
                open(one, "/");
                return web.findElement(By.id("session-counts")).getText().equals("0 on this node, 1 in the cluster");
            });
            open(one, "/clustering");
            // the node table is refreshed by the page's script
            awaitText(By.cssSelector("#nodes-table tr[data-node='two'] td.sessions"), "1");
            awaitText(By.cssSelector("#nodes-table tr[data-node='one'] td.sessions"), "0");
            open(one, "/sessions");
            element(By.id("session-search")).sendKeys("bob");
            submit(By.id("session-search-button"));
            awaitText(By.id("session-matches"), "Sessions matching \"bob\": 1");
            screenshot("sessions");
        });
        step("close-session", () -> {
            WebElement close = element(bobRow).findElement(By.cssSelector("button.close-session"));
            close.click();
            browser.until(ExpectedConditions.alertIsPresent()).accept(); // the console asks before it closes a session
            browser.until(ExpectedConditions.stalenessOf(close));
            awaitText(By.id("flash"), "The session bob@localhost/browser on node two was closed.");
            await().atMost(WAIT).until(() -> !bob.isConnected() && !closedWith.isEmpty());
            assertThat(closedWith).singleElement().isInstanceOf(XMPPException.StreamErrorException.class);
            assertThat(closedWith.get(0)).hasMessageContaining("policy-violation");
            browser.until(driver -> {
                open(one, "/sessions");
                return web.findElements(bobRow).isEmpty();
            });
        });
    }

    @Test
    @Order(6)
    void clusteringSwitchedOffOnNodeTwoMakesItLeaveTheTable() {
        step("clustering-off", () -> {
            switchClustering(two, false);
            awaitText(By.id("cluster-status"), "Clustering is off: this node serves its users alone.");
            assertThat(two.config().getBoolean("clustering.enabled", true)).isFalse();

            open(one, "/clustering");
            browser.until(driver -> nodeRows().equals(List.of("one")));
            awaitText(By.id("cluster-status"), "in the cluster, as the senior member");
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
        element(By.id("username")).sendKeys(user);
        element(By.id("password")).sendKeys(password);
        submit(By.id("login"));
    }

    private void logIn(XmppServer node) {
        open(node, "/login");
        submitLogin("admin", PASSWORD);
        browser.until(ExpectedConditions.textToBe(By.id("node-id"), node.nodeId().value()));
    }

    private void switchClustering(XmppServer node, boolean on) {
        open(node, "/clustering");
        browser.until(ExpectedConditions.elementToBeClickable(By.id(on ? "clustering-on" : "clustering-off"))).click();
        submit(By.id("clustering-save"));
        awaitText(By.id("flash"), on ? "Clustering is being switched on" : "Clustering is being switched off");
    }

    /** The node ids in the node table, as the page's script last refreshed it. */
    private List<String> nodeRows() {
        return web.findElements(By.cssSelector("#nodes-table tbody tr")).stream().map(r -> r.getAttribute("data-node"))
                .collect(Collectors.toList());
    }

    /** The element once it is shown. */
    private WebElement element(By by) {
        return browser.until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    /** The element's text once it is shown. */
    private String text(By by) {
        return element(by).getText();
    }

    /**
     * Clicks what leaves the page (a form's button, a link) and waits until the page it was on is gone,
     * so that what is looked up next is looked up on the next page.
     */
    private void submit(By by) {
        WebElement target = browser.until(ExpectedConditions.elementToBeClickable(by));
        target.click();
        browser.until(ExpectedConditions.stalenessOf(target));
    }

    private void awaitText(By by, String expected) {
        browser.until(ExpectedConditions.textToBePresentInElementLocated(by, expected));
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
