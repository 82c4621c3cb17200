package org.skein.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The markdown report of the SINT runs of one test JVM ({@code conformance/target/sint-report.md}):
 * for each run the counts, the failed tests with their messages (expected or not), and what could not
 * run and why. Rewritten after every run, so a run that fails later still leaves the earlier ones.
 */
final class SintReport {

    private final Path file;
    private final ExpectedFailures expectations;
    private final List<SintOutcome> outcomes = new ArrayList<>();

    SintReport(Path file, ExpectedFailures expectations) {
        this.file = file;
        this.expectations = expectations;
    }

    /** The report in the folder named by {@code sint.reportDir} (the module's target folder), else in target/. */
    static SintReport inReportDir(ExpectedFailures expectations) {
        return new SintReport(Path.of(System.getProperty("sint.reportDir", "target")).resolve("sint-report.md"), expectations);
    }

    Path file() {
        return file;
    }

    synchronized void add(SintOutcome outcome) {
        outcomes.add(outcome);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, render(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the SINT report " + file, e);
        }
    }

    synchronized String render() {
        StringBuilder md = new StringBuilder();
        md.append("# Smack integration tests (SINT 4.5.0-beta5) against Skein\n\n");
        md.append("Written ").append(Instant.now().truncatedTo(ChronoUnit.SECONDS))
                .append(". Expected failures come from `").append(expectations.source().getFileName())
                .append("` (").append(expectations.entries().size()).append(" entries).\n\n");
        md.append("| run | passed | failed | expected failures | not possible | classes that could not run | time |\n");
        md.append("|---|---|---|---|---|---|---|\n");
        for (SintOutcome outcome : outcomes) {
            Counts counts = counts(outcome);
            md.append("| ").append(outcome.name()).append(" | ").append(counts.passed).append(" | ").append(counts.failed)
                    .append(" | ").append(counts.expected).append(" | ").append(counts.notPossible).append(" | ")
                    .append(outcome.impossibleClasses().size()).append(" | ")
                    .append(outcome.duration().toSeconds()).append(" s |\n");
        }
        for (SintOutcome outcome : outcomes) {
            renderRun(md, outcome);
        }
        return md.toString();
    }

    private void renderRun(StringBuilder md, SintOutcome outcome) {
        md.append("\n## ").append(outcome.name()).append("\n\n");
        md.append("Selection: ").append(outcome.selection().describe()).append("; reply timeout ")
                .append(outcome.selection().replyTimeout().toMillis()).append(" ms.\n");
        if (!outcome.placement().isEmpty()) {
            md.append("Main accounts' sessions: ");
            List<String> places = new ArrayList<>();
            outcome.placement().entrySet().stream().sorted(Map.Entry.comparingByKey(SintReport::compareRoles))
                    .forEach(e -> places.add(e.getKey() + " on " + e.getValue()));
            md.append(String.join(", ", places)).append(".\n");
        }
        if (outcome.abort() != null) {
            md.append("\n**SINT stopped before the end:** ").append(escape(outcome.abort())).append("\n");
        }
        List<String> problems = expectations.problems(outcome);
        md.append("\n").append(problems.isEmpty() ? "Verdict: as expected." : "Verdict: **" + problems.size() + " problem(s)**")
                .append("\n");
        for (String problem : problems) {
            md.append("- ").append(escape(problem)).append('\n');
        }

        List<SintOutcome.Test> failed = outcome.with(SintOutcome.Result.FAILED);
        if (!failed.isEmpty()) {
            md.append("\n### Failed\n\n");
            for (SintOutcome.Test test : failed) {
                Optional<String> reason = expectations.reasonFor(test);
                md.append("- `").append(test.displayName()).append("`")
                        .append(reason.map(r -> " (expected: " + escape(r) + ")").orElse(" (**not expected**)"))
                        .append(": ").append(escape(test.message())).append('\n');
            }
        }
        List<SintOutcome.Test> notPossible = outcome.with(SintOutcome.Result.NOT_POSSIBLE);
        if (!notPossible.isEmpty()) {
            md.append("\n### Not possible (SINT's reason)\n\n");
            for (SintOutcome.Test test : notPossible) {
                md.append("- `").append(test.displayName()).append("`: ").append(escape(test.message())).append('\n');
            }
        }
        if (!outcome.impossibleClasses().isEmpty()) {
            md.append("\n### Test classes that could not run (SINT's reason)\n\n");
            outcome.impossibleClasses().forEach((testClass, reason) ->
                    md.append("- `").append(testClass).append("`: ").append(escape(reason)).append('\n'));
        }
        List<SintOutcome.Test> passed = outcome.with(SintOutcome.Result.PASSED);
        if (!passed.isEmpty()) {
            md.append("\n### Passed\n\n");
            for (SintOutcome.Test test : passed) {
                md.append("- `").append(test.displayName()).append("`\n");
            }
        }
    }

    private static int roleOrder(String role) {
        return List.of("conOne", "conTwo", "conThree").indexOf(role);
    }

    private static int compareRoles(String a, String b) {
        return Integer.compare(roleOrder(a), roleOrder(b));
    }

    Counts counts(SintOutcome outcome) {
        int passed = 0;
        int failed = 0;
        int expected = 0;
        int notPossible = 0;
        for (SintOutcome.Test test : outcome.tests()) {
            switch (test.result()) {
                case PASSED -> passed++;
                case NOT_POSSIBLE -> notPossible++;
                case FAILED -> {
                    if (expectations.reasonFor(test).isPresent()) {
                        expected++;
                    } else {
                        failed++;
                    }
                }
            }
        }
        return new Counts(passed, failed, expected, notPossible);
    }

    /** Counts of one run: failed means not listed as expected. */
    record Counts(int passed, int failed, int expected, int notPossible) {
    }

    private static String escape(String text) {
        return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;");
    }
}
