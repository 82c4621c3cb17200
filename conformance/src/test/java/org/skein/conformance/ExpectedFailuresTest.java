package org.skein.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExpectedFailuresTest {

    @TempDir
    Path dir;

    private static final SintSelection ALL = new SintSelection(null, null, null, null, Duration.ofSeconds(20), null);

    private ExpectedFailures file(String content) throws Exception {
        Path file = dir.resolve("expected.properties");
        Files.writeString(file, content);
        return ExpectedFailures.load(file);
    }

    private static SintOutcome.Test test(String testClass, String method, SintOutcome.Result result) {
        return new SintOutcome.Test(testClass, method, "", result, result == SintOutcome.Result.FAILED ? "boom" : "");
    }

    private static SintOutcome run(SintOutcome.Test... tests) {
        return new SintOutcome("one node", ALL, List.of(tests), Map.of(), Map.of(), null, Duration.ofSeconds(1));
    }

    @Test
    void aFailureThatIsNotListedIsAProblemWithItsMessage() throws Exception {
        ExpectedFailures expected = file("MoodIntegrationTest.testNotification = no PEP yet (issue 14)\n");

        List<String> problems = expected.problems(run(
                test("org.jivesoftware.smackx.mood.MoodIntegrationTest", "testNotification", SintOutcome.Result.FAILED),
                test("org.jivesoftware.smackx.ping.PingIntegrationTest", "pingServer", SintOutcome.Result.FAILED)));

        assertThat(problems).containsExactly("one node: PingIntegrationTest.pingServer failed: boom");
    }

    @Test
    void aListedTestThatPassesMustLeaveTheFileUnlessItFailsOnlySometimes() throws Exception {
        ExpectedFailures expected = file("""
                MoodIntegrationTest.testNotification = no PEP yet (issue 14)
                org.jivesoftware.smackx.ping.PingIntegrationTest = sometimes: a race (issue 10)
                """);

        List<String> problems = expected.problems(run(
                test("org.jivesoftware.smackx.mood.MoodIntegrationTest", "testNotification", SintOutcome.Result.PASSED),
                test("org.jivesoftware.smackx.ping.PingIntegrationTest", "pingServer", SintOutcome.Result.PASSED)));

        assertThat(problems).containsExactly("one node: MoodIntegrationTest.testNotification passed but is listed as "
                + "expected to fail (no PEP yet (issue 14)): remove it from expected.properties");
    }

    @Test
    void aClassEntryCoversItsMethodsAndAMethodEntryOnlyItself() throws Exception {
        ExpectedFailures expected = file("""
                org.jivesoftware.smackx.mood.MoodIntegrationTest = no PEP yet (issue 14)
                UserTuneIntegrationTest.testNotification = no PEP yet (issue 14)
                """);

        assertThat(expected.reasonFor(test("org.jivesoftware.smackx.mood.MoodIntegrationTest", "anything", SintOutcome.Result.FAILED)))
                .contains("no PEP yet (issue 14)");
        assertThat(expected.reasonFor(test("org.jivesoftware.smackx.usertune.UserTuneIntegrationTest", "testNotification", SintOutcome.Result.FAILED)))
                .contains("no PEP yet (issue 14)");
        assertThat(expected.reasonFor(test("org.jivesoftware.smackx.usertune.UserTuneIntegrationTest", "testOther", SintOutcome.Result.FAILED)))
                .isEmpty();
    }

    @Test
    void anEarlyStopIsAProblem() throws Exception {
        ExpectedFailures expected = file("");
        SintOutcome stopped = new SintOutcome("three nodes", ALL, List.of(), Map.of(), Map.of(),
                "java.lang.IllegalArgumentException: No integration tests selected.", Duration.ZERO);

        assertThat(expected.problems(stopped)).containsExactly(
                "three nodes: SINT stopped before the end: java.lang.IllegalArgumentException: No integration tests selected.");
    }

    @Test
    void anEntryWithoutAReasonIsRefused() throws Exception {
        assertThatThrownBy(() -> file("MoodIntegrationTest.testNotification =\n"))
                .hasMessageContaining("'MoodIntegrationTest.testNotification' has no reason");
    }

    @Test
    void theModulesFileListsOnlyTestsWithReasons() {
        ExpectedFailures expected = ExpectedFailures.fromSystemProperty();

        assertThat(expected.entries()).isNotEmpty().allSatisfy((test, reason) -> assertThat(reason).contains("issue"));
    }
}
