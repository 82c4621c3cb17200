package org.skein.conformance;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.igniterealtime.smack.inttest.Configuration;
import org.igniterealtime.smack.inttest.FailedTest;
import org.igniterealtime.smack.inttest.SmackIntegrationTestEnvironment;
import org.igniterealtime.smack.inttest.SmackIntegrationTestFramework;
import org.igniterealtime.smack.inttest.SuccessfulTest;
import org.igniterealtime.smack.inttest.TestNotPossible;
import org.igniterealtime.smack.inttest.TestResult;
import org.igniterealtime.smack.inttest.XmppConnectionDescriptor;
import org.igniterealtime.smack.inttest.XmppConnectionManager;
import org.jivesoftware.smack.AbstractXMPPConnection;
import org.jivesoftware.smack.ConnectionCreationListener;
import org.jivesoftware.smack.XMPPConnectionRegistry;
import org.jivesoftware.smack.c2s.ModularXmppClientToServerConnection;
import org.jivesoftware.smack.c2s.ModularXmppClientToServerConnectionConfiguration;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.jivesoftware.smack.websocket.XmppWebSocketTransportModuleDescriptor;
import org.jivesoftware.smackx.iqregister.packet.Registration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs Smack's integration test suite in this JVM against one address, as SINT's command line would:
 * accounts made by in-band registration (XEP-0077), then deleted again; STARTTLS required, trusting
 * only the domain's certificate.
 *
 * <p>SINT has no port setting: it connects to {@code host}:5222 unless told otherwise. Its
 * configuration applier (service, security mode, TLS pin, host) runs after a connection descriptor's
 * own extra configuration and sets no host unless {@code sinttest.host} is given, so a descriptor named
 * {@value #CONNECTION} that sets host and port, made the default and the only enabled connection kind,
 * sends every connection SINT makes (the three main accounts, registration, low-level tests) to the
 * address given here. SINT's built-in descriptors are removed: the tests written for one connection
 * class take the first descriptor of that class, which would otherwise be a built-in one.
 *
 * <p>The certificate is trusted through the descriptor's custom trust manager, not SINT's
 * {@code serviceTlsPin}: in Smack 4.5.0-beta5 {@code ConnectionConfiguration} initialises the pinned
 * {@code SSLContext} again with the default trust managers, so a pinned self-signed certificate is
 * refused ("PKIX path building failed").
 */
final class SintRun {

    private static final Logger LOG = LoggerFactory.getLogger(SintRun.class);

    /** The nickname of the connection descriptor that points SINT at the address under test. */
    static final String CONNECTION = "skein";

    /** The same over Smack's modular connection, for the tests that need one. */
    static final String MODULAR_CONNECTION = "skein-modular";

    /** How long a connection waits for replies once SINT deletes its account (see shortenTheWaitAfterDeletion). */
    private static final Duration DELETION_TIMEOUT = Duration.ofSeconds(5);

    /**
     * SINT test classes that run in a SINT run of their own, after the others, with accounts of their own.
     * {@code EntityCapsTest}'s {@code @AfterClass} cancels the subscriptions between conOne and conTwo
     * without waiting for the server ({@code RosterUtil.ensureNotSubscribedToEachOther}); the next class's
     * {@code ensureBothAccountsAreSubscribedToEachOther} reads the clients' rosters before the server's
     * roster pushes arrive, returns at once, and its test then waits in vain for a presence or a PEP event
     * (seen with SoftwareInfoIntegrationTest and UserTuneIntegrationTest; SINT orders classes differently
     * from run to run).
     */
    static final List<String> ISOLATED = List.of("EntityCapsTest");

    /** What SINT throws when a selection selects no test. */
    private static final String NOTHING_SELECTED = "No integration tests selected";

    /** The specification the isolated classes are tagged with (SINT's {@code @SpecificationReference}). */
    static final String ISOLATED_SPECIFICATION = "XEP-0115";

    /** SINT's own connection descriptors (XmppConnectionManager's static block). */
    private static final List<String> BUILT_IN_CONNECTIONS = List.of("tcp", "modular", "modular-nocompress",
            "modular-websocket-okhttp", "modular-websocket-java11");

    private final String name;
    private final String domain;
    private final X509Certificate certificate;
    private final int port;
    private final SintSelection selection;
    private final Function<String, String> nodeOfSession;

    /**
     * @param name          the run's name in the report
     * @param domain        the XMPP domain (SINT's service)
     * @param certificate   the certificate every node presents (pinned)
     * @param port          where SINT connects, on 127.0.0.1
     * @param selection     which tests
     * @param nodeOfSession the node that holds a full JID's session, or null: tells where the main accounts sit
     */
    SintRun(String name, String domain, X509Certificate certificate, int port, SintSelection selection,
            Function<String, String> nodeOfSession) {
        this.name = name;
        this.domain = domain;
        this.certificate = certificate;
        this.port = port;
        this.selection = selection;
        this.nodeOfSession = nodeOfSession;
    }

    SintOutcome run() throws Exception {
        InetAddress loopback = loopback();
        X509TrustManager trust = trusting(certificate);
        // SINT's own descriptors connect to the domain's DNS name: replace them by ones for this address
        for (String builtIn : BUILT_IN_CONNECTIONS) {
            XmppConnectionManager.removeConnectionDescriptor(builtIn);
        }
        XmppConnectionManager.addConnectionDescriptor(
                XmppConnectionDescriptor.buildWith(XMPPTCPConnection.class, XMPPTCPConnectionConfiguration.class,
                                XMPPTCPConnectionConfiguration.Builder.class)
                        .withNickname(CONNECTION)
                        .applyExtraConfiguration(builder -> builder.setHostAddress(loopback).setPort(port)
                                .setCustomX509TrustManager(trust))
                        .build());
        // for the tests written for Smack's modular connection (over TCP: Skein has no WebSocket endpoint yet)
        XmppConnectionManager.addConnectionDescriptor(
                XmppConnectionDescriptor.buildWith(ModularXmppClientToServerConnection.class,
                                ModularXmppClientToServerConnectionConfiguration.class,
                                ModularXmppClientToServerConnectionConfiguration.Builder.class)
                        .withNickname(MODULAR_CONNECTION)
                        .applyExtraConfiguration(builder -> builder.removeModule(XmppWebSocketTransportModuleDescriptor.class)
                                .setHostAddress(loopback).setPort(port).setCustomX509TrustManager(trust))
                        .build());
        // every connection SINT makes (main accounts and the extra ones of low-level and group chat tests)
        ConnectionCreationListener shortenDeletionWait = connection -> {
            if (connection instanceof AbstractXMPPConnection created) {
                shortenTheWaitAfterDeletion(created);
            }
        };
        XMPPConnectionRegistry.addConnectionCreationListener(shortenDeletionWait);
        try (SmackReactorGuard reactorGuard = new SmackReactorGuard()) {
            SintOutcome rest = runFramework(selection.without(ISOLATED), true);
            if (!selection.selects(ISOLATED, ISOLATED_SPECIFICATION)) {
                return rest;
            }
            // a selection of nothing but isolated classes leaves the first run empty (SINT refuses to start it)
            boolean restEmpty = rest.tests().isEmpty() && rest.abort() != null && rest.abort().contains(NOTHING_SELECTED);
            SintOutcome isolated = runFramework(selection.only(ISOLATED), restEmpty);
            return restEmpty ? isolated : rest.followedBy(isolated, "the separate run of " + String.join(", ", ISOLATED));
        } finally {
            XMPPConnectionRegistry.removeConnectionCreationListener(shortenDeletionWait);
        }
    }

    /** One run of SINT's framework (with accounts of its own) over a selection. */
    private SintOutcome runFramework(SintSelection runSelection, boolean recordPlacement) throws Exception {
        Configuration.Builder builder = Configuration.builder()
                .setService(domain)
                .setSecurityMode("required")
                .setReplyTimeout(Long.toString(runSelection.replyTimeout().toMillis()))
                .setDefaultConnection(CONNECTION)
                .setEnabledConnections(CONNECTION)
                .setVerbose(false);
        // each setter takes null as "not given"
        builder.setEnabledTests(runSelection.enabledTests())
                .setDisabledTests(runSelection.disabledTests())
                .setEnabledSpecifications(runSelection.enabledSpecifications())
                .setDisabledSpecifications(runSelection.disabledSpecifications())
                .setDebugger(runSelection.debugger());
        PlacementRecordingFramework framework = new PlacementRecordingFramework(builder.build(),
                recordPlacement ? nodeOfSession : null);

        Instant start = Instant.now();
        SmackIntegrationTestFramework.TestRunResult result = null;
        String abort = null;
        try {
            result = framework.run();
        } catch (Exception | AssertionError e) {
            LOG.error("SINT ({}) stopped before the end", name, e);
            abort = message(e instanceof java.lang.reflect.InvocationTargetException && e.getCause() != null ? e.getCause() : e);
            result = framework.partialResult();
        }
        Duration duration = Duration.between(start, Instant.now());
        return outcome(runSelection, result, framework.placement, abort, duration);
    }

    private SintOutcome outcome(SintSelection runSelection, SmackIntegrationTestFramework.TestRunResult result,
                                Map<String, String> placement, String abort, Duration duration) {
        List<SintOutcome.Test> tests = new ArrayList<>();
        Map<String, String> impossibleClasses = new LinkedHashMap<>();
        if (result != null) {
            List<TestResult> all = new ArrayList<>();
            all.addAll(result.getSuccessfulTests());
            all.addAll(result.getFailedTests());
            all.addAll(result.getNotPossibleTests());
            all.sort(Comparator.comparingLong(r -> r.startTime));
            for (TestResult test : all) {
                tests.add(test(test));
            }
            result.getImpossibleTestClasses().entrySet().stream()
                    .sorted(Map.Entry.comparingByKey(Comparator.comparing(Class::getSimpleName)))
                    .forEach(e -> impossibleClasses.put(e.getKey().getSimpleName(), message(e.getValue())));
        }
        return new SintOutcome(name, selection, tests, impossibleClasses, placement, abort, duration);
    }

    private static SintOutcome.Test test(TestResult test) {
        var method = test.concreteTest.getMethod();
        String connection = String.join(", ", test.concreteTest.getSubdescriptons());
        if (test instanceof SuccessfulTest) {
            return new SintOutcome.Test(method.getDeclaringClass().getName(), method.getName(), connection,
                    SintOutcome.Result.PASSED, "");
        }
        if (test instanceof FailedTest failed) {
            return new SintOutcome.Test(method.getDeclaringClass().getName(), method.getName(), connection,
                    SintOutcome.Result.FAILED, message(failed.failureReason));
        }
        TestNotPossible impossible = (TestNotPossible) test;
        return new SintOutcome.Test(method.getDeclaringClass().getName(), method.getName(), connection,
                SintOutcome.Result.NOT_POSSIBLE, message(impossible.testNotPossibleException));
    }

    /** An exception as one line: its message, and its causes' messages. */
    static String message(Throwable throwable) {
        StringBuilder text = new StringBuilder();
        Throwable t = throwable;
        int depth = 0;
        while (t != null && depth < 4) {
            if (!text.isEmpty()) {
                text.append(" <- ");
            }
            String message = t.getMessage();
            text.append(message == null || message.isBlank() ? t.getClass().getName() : t.getClass().getSimpleName() + ": " + message.strip());
            t = t.getCause() == t ? null : t.getCause();
            depth++;
        }
        return text.toString().replace('\n', ' ');
    }

    /**
     * SINT deletes every account it made by in-band registration (the main accounts after the run, the
     * extra accounts of low-level and group chat tests after each test), then disconnects and waits for
     * the server's closing stream tag for a whole reply timeout: the server ends the stream with a
     * {@code not-authorized} stream error (XEP-0077 section 3.2), and Smack's reader stops at the error
     * before it sees the tag. A shorter timeout from the deletion on saves that wait (about 20 s per
     * account); the deletion's answer comes long before it.
     */
    private static void shortenTheWaitAfterDeletion(AbstractXMPPConnection connection) {
        connection.addStanzaSendingListener(stanza -> connection.setReplyTimeout(DELETION_TIMEOUT.toMillis()),
                stanza -> stanza instanceof Registration registration && registration.getAttributes() != null
                        && registration.getAttributes().containsKey("remove"));
    }

    /** A trust manager that trusts this certificate only. */
    private static X509TrustManager trusting(X509Certificate certificate) throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        store.setCertificateEntry("domain", certificate);
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return (X509TrustManager) factory.getTrustManagers()[0];
    }

    private static InetAddress loopback() {
        try {
            return InetAddress.getByName("127.0.0.1");
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * SINT's framework, noting which node holds each main account's session once the three have logged
     * in, and keeping the results of a run that stops early.
     */
    private static final class PlacementRecordingFramework extends SmackIntegrationTestFramework {

        private final Function<String, String> nodeOfSession;
        private final Map<String, String> placement = new LinkedHashMap<>();

        PlacementRecordingFramework(Configuration configuration, Function<String, String> nodeOfSession) {
            super(configuration);
            this.nodeOfSession = nodeOfSession;
        }

        @Override
        protected SmackIntegrationTestEnvironment prepareEnvironment() throws org.jivesoftware.smack.SmackException,
                java.io.IOException, org.jivesoftware.smack.XMPPException, InterruptedException,
                java.security.KeyManagementException, NoSuchAlgorithmException, InstantiationException,
                IllegalAccessException, IllegalArgumentException, java.lang.reflect.InvocationTargetException {
            SmackIntegrationTestEnvironment environment = super.prepareEnvironment();
            if (nodeOfSession != null) {
                place("conOne", environment.conOne);
                place("conTwo", environment.conTwo);
                place("conThree", environment.conThree);
            }
            return environment;
        }

        private void place(String role, AbstractXMPPConnection connection) {
            String jid = String.valueOf(connection.getUser());
            String node = nodeOfSession.apply(jid);
            placement.put(role, node == null ? "none (" + jid + " has no session on any node)" : node);
        }

        /** The results so far (after {@link #run()} threw). */
        TestRunResult partialResult() {
            return testRunResult;
        }
    }
}
