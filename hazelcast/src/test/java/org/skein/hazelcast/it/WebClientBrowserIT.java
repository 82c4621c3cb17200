package org.skein.hazelcast.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.skein.XmppServer;
import org.skein.roster.RosterItem;
import org.skein.roster.Subscription;
import org.skein.session.SessionInfo;

/**
 * A real web client in real browsers across nodes: Converse.js 14 (from npm, built into
 * {@code target/web-client} by {@code npm ci} of {@code examples/web-client}) in two headless Chromiums,
 * on a page served by a static file server and nothing else. Alice's browser reaches node one and Bob's
 * node two (two in-JVM nodes with real Hazelcast members): each browser knows only the domain
 * {@code skein.test}, finds the WebSocket address by XEP-0156 ({@code https://skein.test/.well-known/host-meta},
 * which the browser's host resolver sends to its node's {@code wss://} port, whose certificate it trusts
 * by its key), logs in with SCRAM over {@code wss://}, sees the other's presence and exchanges messages
 * both ways. Screenshots of both windows go to {@code target/screenshots/} ({@code webclient-*.png}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebClientBrowserIT {

    static final String DOMAIN = "skein.test";
    /** The page and Converse.js, made by the build ({@code npm ci}) before the integration tests run. */
    static final Path WEB_CLIENT = Path.of(System.getProperty("skein.webclient.dir", "target/web-client"));
    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final String ALICE = "alice@" + DOMAIN;
    private static final String BOB = "bob@" + DOMAIN;

    @TempDir
    static Path dir;

    private HazelcastNodes nodes;
    private XmppServer one;
    private XmppServer two;
    private StaticFiles site;
    private Browser alice;
    private Browser bob;

    @BeforeAll
    void start() throws Exception {
        assertThat(WEB_CLIENT.resolve("node_modules/converse.js/dist/converse.min.js"))
                .as("Converse.js from npm: the build runs 'npm ci' in %s before the integration tests (needs Node.js and npm)", WEB_CLIENT)
                .exists();
        nodes = new HazelcastNodes(dir, "one", "two");
        // one database for both nodes, as in a real cluster (H2 shares a file database within one JVM)
        Map<String, String> config = Map.of("xmpp.domain", DOMAIN, "db.url", "jdbc:h2:file:" + dir.resolve("db").resolve("skein"));
        one = nodes.start("one", config);
        two = nodes.start("two", config);
        await().atMost(Duration.ofSeconds(60)).until(() -> one.clusterManager().getNodesInfo().size() == 2
                && two.clusterManager().getNodesInfo().size() == 2);
        one.userManager().createUser("alice", "alice's secret", "Alice", "");
        one.userManager().createUser("bob", "bob's secret", "Bob", "");
        befriend("alice", BOB, "Bob");
        befriend("bob", ALICE, "Alice");
        site = new StaticFiles(WEB_CLIENT);
        String trusted = spki(one.tlsCertificate()) + "," + spki(two.tlsCertificate());
        alice = new Browser(List.of("--host-resolver-rules=MAP " + DOMAIN + ":443 127.0.0.1:" + one.webSocketTlsPort(),
                "--ignore-certificate-errors-spki-list=" + trusted));
        bob = new Browser(List.of("--host-resolver-rules=MAP " + DOMAIN + ":443 127.0.0.1:" + two.webSocketTlsPort(),
                "--ignore-certificate-errors-spki-list=" + trusted));
    }

    @AfterAll
    void stop() throws Exception {
        try {
            for (Browser browser : new Browser[] {alice, bob}) {
                if (browser != null) {
                    browser.close();
                    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(browser.aliveProcesses())
                            .as("chromedriver and chromium processes after quit").isEmpty());
                }
            }
        } finally {
            if (site != null) {
                site.close();
            }
            if (nodes != null) {
                nodes.close();
            }
        }
    }

    /** A roster item with a mutual subscription, as if the two had added each other. */
    private void befriend(String user, String contact, String name) {
        one.rosterManager().update(user, contact, item -> new RosterItem(contact, name, Set.of(), Subscription.BOTH, false, false));
    }

    /** The base64 SHA-256 of a certificate's public key, as Chromium's --ignore-certificate-errors-spki-list takes it. */
    private static String spki(X509Certificate certificate) throws Exception {
        return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(certificate.getPublicKey().getEncoded()));
    }

    @Test
    @Order(1)
    void aliceLogsInOnNodeOneFindingTheServerFromHerDomainAlone() {
        step("login-alice", alice, () -> {
            logIn(alice, ALICE, "alice's secret");
            awaitSession(one, ALICE, "one");
            awaitSession(two, ALICE, "one");
        });
    }

    @Test
    @Order(2)
    void bobLogsInOnNodeTwoAndEachSeesTheOtherOnline() {
        step("login-bob", bob, () -> {
            logIn(bob, BOB, "bob's secret");
            awaitSession(two, BOB, "two");
            awaitSession(one, BOB, "two");
        });
        step("presence-bob", bob, () -> until(bob, ExpectedConditions.presenceOfElementLocated(online(ALICE))));
        step("presence-alice", alice, () -> until(alice, ExpectedConditions.presenceOfElementLocated(online(BOB))));
    }

    @Test
    @Order(3)
    void theyExchangeMessagesBothWays() {
        String hello = "Hello Bob, this is Alice on node one";
        String reply = "Hi Alice, Bob here, on node two";
        step("message-to-bob", alice, () -> send(alice, BOB, hello));
        step("message-at-bob", bob, () -> {
            openChat(bob, ALICE);
            awaitMessage(bob, ALICE, hello);
            send(bob, ALICE, reply);
        });
        step("message-at-alice", alice, () -> awaitMessage(alice, BOB, reply));
        alice.screenshot("webclient-alice");
        bob.screenshot("webclient-bob");
        assertThat(alice.pageErrors()).as("script errors in Alice's page").isEmpty();
        assertThat(bob.pageErrors()).as("script errors in Bob's page").isEmpty();
    }

    // --- what a user does ---

    private void logIn(Browser browser, String jid, String password) {
        WebDriver web = browser.driver();
        web.get(site.url("index.html?discover"));
        WebElement user = until(browser, ExpectedConditions.elementToBeClickable(By.id("converse-login-jid")));
        user.sendKeys(jid);
        web.findElement(By.id("converse-login-password")).sendKeys(password);
        web.findElement(By.cssSelector("#converse-login button[type=submit]")).click();
        // logged in: the roster shows the contact the server keeps for this user
        until(browser, ExpectedConditions.presenceOfElementLocated(By.cssSelector("converse-roster a.open-chat")));
    }

    private void openChat(Browser browser, String contact) {
        until(browser, ExpectedConditions.elementToBeClickable(By.cssSelector("a.open-chat[data-jid='" + contact + "']"))).click();
        until(browser, ExpectedConditions.elementToBeClickable(textarea(contact)));
    }

    private void send(Browser browser, String contact, String text) {
        if (browser.driver().findElements(textarea(contact)).stream().noneMatch(WebElement::isDisplayed)) {
            openChat(browser, contact);
        }
        WebElement textarea = until(browser, ExpectedConditions.elementToBeClickable(textarea(contact)));
        textarea.sendKeys(text);
        textarea.sendKeys(Keys.ENTER);
        awaitMessage(browser, contact, text);
    }

    private void awaitMessage(Browser browser, String contact, String text) {
        until(browser, web -> web.findElements(By.cssSelector("converse-chat[jid='" + contact + "'] .chat-msg__text")).stream()
                .anyMatch(message -> message.getText().contains(text)));
    }

    private static By textarea(String contact) {
        return By.cssSelector("converse-chat[jid='" + contact + "'] textarea.chat-textarea");
    }

    private static By online(String contact) {
        return By.cssSelector("a.open-chat[data-jid='" + contact + "'] .contact-name--online");
    }

    private static <T> T until(Browser browser, java.util.function.Function<? super WebDriver, T> condition) {
        return new WebDriverWait(browser.driver(), PATIENCE).ignoring(StaleElementReferenceException.class).until(condition);
    }

    /** The session of a user, as a node sees it: listed, on the expected node, over WebSocket. */
    private static void awaitSession(XmppServer node, String bareJid, String expectedNode) {
        await().atMost(PATIENCE).untilAsserted(() -> {
            List<SessionInfo> sessions = node.sessionManager().allSessionInfos().entrySet().stream()
                    .filter(e -> e.getKey().toBareJID().equals(bareJid)).map(Map.Entry::getValue).toList();
            assertThat(sessions).as("sessions of %s seen from %s", bareJid, node.nodeId()).hasSize(1);
            assertThat(sessions.get(0).node().value()).isEqualTo(expectedNode);
            assertThat(sessions.get(0).transport()).isEqualTo("websocket");
        });
    }

    /** Runs a step; when it fails, saves the browser's screenshot and page source named after the step. */
    private static void step(String name, Browser browser, Runnable body) {
        try {
            body.run();
        } catch (RuntimeException | Error e) {
            browser.saveFailure(name);
            throw e;
        }
    }
}
