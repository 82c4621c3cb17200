package org.skein.conformance;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The SINT tests that may fail today, each with its reason: the expectations file
 * ({@code conformance/sint-expected-failures.properties}). A key is a test class ({@code MoodIntegrationTest})
 * or one method of it ({@code MoodIntegrationTest.testNotification}), simple or fully qualified; the value
 * is the reason (the issue that will make it pass).
 *
 * <p>A run is right when every failure is listed, and no listed test passed (a listed test that passes
 * must leave the file, so that it cannot break again unnoticed). The one exception is a reason that
 * starts with {@value #SOMETIMES}: such a test fails only some of the time (a race being investigated),
 * so it may pass as well.
 */
final class ExpectedFailures {

    /** The start of a reason for a test that fails only some of the time. */
    static final String SOMETIMES = "sometimes:";

    private final Path source;
    private final Map<String, String> reasons;

    private ExpectedFailures(Path source, Map<String, String> reasons) {
        this.source = source;
        this.reasons = Collections.unmodifiableMap(reasons);
    }

    /** The file named by the {@code sint.expectations} system property (set by the module's pom). */
    static ExpectedFailures fromSystemProperty() {
        String file = System.getProperty("sint.expectations");
        if (file == null || file.isBlank()) {
            throw new IllegalStateException("system property sint.expectations is not set: run the tests through Maven "
                    + "(mvn -B -pl conformance -am verify), whose pom points it at conformance/sint-expected-failures.properties");
        }
        return load(Path.of(file));
    }

    static ExpectedFailures load(Path file) {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the SINT expectations file " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> reasons = new LinkedHashMap<>();
        for (String key : properties.stringPropertyNames().stream().sorted().toList()) {
            String reason = properties.getProperty(key).trim();
            if (reason.isEmpty()) {
                throw new IllegalStateException(file + ": '" + key + "' has no reason; write why it fails and which issue fixes it");
            }
            reasons.put(key.trim(), reason);
        }
        return new ExpectedFailures(file, reasons);
    }

    Path source() {
        return source;
    }

    Map<String, String> entries() {
        return reasons;
    }

    /** The reason a test may fail, if it is listed (as itself or through its class). */
    Optional<String> reasonFor(SintOutcome.Test test) {
        for (String key : List.of(test.simpleClassName() + '.' + test.method(), test.testClass() + '.' + test.method(),
                test.simpleClassName(), test.testClass())) {
            String reason = reasons.get(key);
            if (reason != null) {
                return Optional.of(reason);
            }
        }
        return Optional.empty();
    }

    /** What is wrong with a run: unlisted failures, listed tests that passed, an early stop. Empty when right. */
    List<String> problems(SintOutcome outcome) {
        List<String> problems = new ArrayList<>();
        if (outcome.abort() != null) {
            problems.add(outcome.name() + ": SINT stopped before the end: " + outcome.abort());
        }
        for (SintOutcome.Test test : outcome.tests()) {
            Optional<String> reason = reasonFor(test);
            if (test.result() == SintOutcome.Result.FAILED && reason.isEmpty()) {
                problems.add(outcome.name() + ": " + test.displayName() + " failed: " + test.message());
            } else if (test.result() == SintOutcome.Result.PASSED && reason.isPresent()
                    && !reason.get().startsWith(SOMETIMES)) {
                problems.add(outcome.name() + ": " + test.displayName() + " passed but is listed as expected to fail ("
                        + reason.get() + "): remove it from " + source.getFileName());
            }
        }
        return problems;
    }
}
