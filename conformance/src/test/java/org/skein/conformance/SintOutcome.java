package org.skein.conformance;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What one SINT run gave, in plain values: every test that ran (passed, failed, not possible), the
 * test classes that could not run at all, where the three main accounts' sessions were, and whether
 * SINT stopped early.
 *
 * @param name             the run's name in the report ("one node", "three nodes")
 * @param selection        what was selected
 * @param tests            every test that ran or was found not possible, in the order SINT reported them
 * @param impossibleClasses test classes that could not run at all (simple name to SINT's reason)
 * @param placement        conOne, conTwo, conThree to the node that held its session
 * @param abort            why SINT stopped before the end (its exception), or null if it finished
 * @param duration         how long the run took, nodes' start not included
 */
record SintOutcome(String name, SintSelection selection, List<Test> tests, Map<String, String> impossibleClasses,
                   Map<String, String> placement, String abort, Duration duration) {

    SintOutcome {
        tests = List.copyOf(tests);
        impossibleClasses = Map.copyOf(impossibleClasses);
        placement = Map.copyOf(placement);
    }

    /** How a test ended. */
    enum Result { PASSED, FAILED, NOT_POSSIBLE }

    /**
     * One test.
     *
     * @param testClass  the fully qualified name of the test's class
     * @param method     the test method
     * @param connection the connection kind of a low-level test, or empty
     * @param result     how it ended
     * @param message    the failure or the reason it was not possible; empty when it passed
     */
    record Test(String testClass, String method, String connection, Result result, String message) {

        String simpleClassName() {
            return testClass.substring(testClass.lastIndexOf('.') + 1);
        }

        /** {@code SimpleClass.method}, with the connection kind of a low-level test in brackets. */
        String displayName() {
            return simpleClassName() + '.' + method + (connection.isEmpty() ? "" : " [" + connection + ']');
        }
    }

    List<Test> with(Result result) {
        return tests.stream().filter(t -> t.result() == result).toList();
    }
}
