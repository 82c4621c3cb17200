package org.skein.conformance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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

    /**
     * This run and a later one against the same nodes as one outcome: the tests of both in order, the
     * main accounts' placement of this one, the first early stop.
     */
    SintOutcome followedBy(SintOutcome later, String laterName) {
        List<Test> all = new ArrayList<>(tests);
        all.addAll(later.tests);
        Map<String, String> impossible = new LinkedHashMap<>(impossibleClasses);
        impossible.putAll(later.impossibleClasses);
        String stop = abort != null ? abort : later.abort == null ? null : "(" + laterName + ") " + later.abort;
        return new SintOutcome(name, selection, all, impossible, placement, stop, duration.plus(later.duration));
    }

    List<Test> with(Result result) {
        return tests.stream().filter(t -> t.result() == result).toList();
    }
}
