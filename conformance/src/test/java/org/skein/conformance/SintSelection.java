package org.skein.conformance;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * Which SINT tests to run, and how patiently: read from the {@code sint.*} system properties that
 * Maven passes to the test JVM ({@code mvn ... -Dsint.enabledSpecifications=XEP-0045}).
 *
 * <ul>
 *   <li>{@code sint.enabledTests}, {@code sint.disabledTests}: comma-separated test classes
 *       ({@code RosterIntegrationTest}) or methods ({@code FileTransferIntegrationTest.ibbFileTransferTest});
 *       note that SINT disables the whole class for a method named in {@code disabledTests}</li>
 *   <li>{@code sint.enabledSpecifications}, {@code sint.disabledSpecifications}: e.g. {@code XEP-0045,RFC6121}</li>
 *   <li>{@code sint.replyTimeout}: how long SINT waits for a reply, in ms (default 20000)</li>
 *   <li>{@code sint.debugger}: {@code console} prints every stanza of every connection to the test's
 *       output (SINT's {@code debugger}; default none)</li>
 * </ul>
 *
 * @param enabledTests         SINT's {@code enabledTests}, or null for all
 * @param disabledTests        SINT's {@code disabledTests}, or null for none
 * @param enabledSpecifications SINT's {@code enabledSpecifications}, or null for all
 * @param disabledSpecifications SINT's {@code disabledSpecifications}, or null for none
 * @param replyTimeout         SINT's {@code replyTimeout}
 * @param debugger             SINT's {@code debugger}, or null for none
 */
record SintSelection(String enabledTests, String disabledTests, String enabledSpecifications,
                     String disabledSpecifications, Duration replyTimeout, String debugger) {

    static final Duration DEFAULT_REPLY_TIMEOUT = Duration.ofSeconds(20);

    /** The selection given by system properties. */
    static SintSelection fromSystemProperties() {
        return from(System.getProperties());
    }

    static SintSelection from(Properties properties) {
        String timeout = blankToNull(properties.getProperty("sint.replyTimeout"));
        Duration replyTimeout;
        try {
            replyTimeout = timeout == null ? DEFAULT_REPLY_TIMEOUT : Duration.ofMillis(Long.parseLong(timeout));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("sint.replyTimeout is '" + timeout + "', expected milliseconds such as 20000");
        }
        if (replyTimeout.isNegative() || replyTimeout.isZero()) {
            throw new IllegalArgumentException("sint.replyTimeout is '" + timeout + "', expected a positive number of milliseconds");
        }
        return new SintSelection(
                blankToNull(properties.getProperty("sint.enabledTests")),
                blankToNull(properties.getProperty("sint.disabledTests")),
                blankToNull(properties.getProperty("sint.enabledSpecifications")),
                blankToNull(properties.getProperty("sint.disabledSpecifications")),
                replyTimeout,
                blankToNull(properties.getProperty("sint.debugger")));
    }

    /** This selection with these test classes left out as well. */
    SintSelection without(List<String> classes) {
        String disabled = disabledTests == null ? String.join(",", classes) : disabledTests + "," + String.join(",", classes);
        return new SintSelection(enabledTests, disabled, enabledSpecifications, disabledSpecifications, replyTimeout, debugger);
    }

    /** This selection narrowed to these test classes (or to the methods of them it names). */
    SintSelection only(List<String> classes) {
        String enabled = enabledTests == null ? String.join(",", classes)
                : String.join(",", entries(enabledTests).stream().filter(entry -> namesOneOf(entry, classes)).toList());
        return new SintSelection(enabled, disabledTests, enabledSpecifications, disabledSpecifications, replyTimeout, debugger);
    }

    /**
     * Whether this selection selects any of these test classes, which are tagged with this specification
     * (SINT leaves out a whole class when {@code disabledTests} names it or one of its methods).
     */
    boolean selects(List<String> classes, String specification) {
        if (disabledTests != null && entries(disabledTests).stream().anyMatch(entry -> namesOneOf(entry, classes))) {
            return false;
        }
        if (enabledTests != null && entries(enabledTests).stream().noneMatch(entry -> namesOneOf(entry, classes))) {
            return false;
        }
        String wanted = normalised(specification);
        if (enabledSpecifications != null && entries(enabledSpecifications).stream().map(SintSelection::normalised).noneMatch(wanted::equals)) {
            return false;
        }
        return disabledSpecifications == null
                || entries(disabledSpecifications).stream().map(SintSelection::normalised).noneMatch(wanted::equals);
    }

    private static List<String> entries(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(entry -> !entry.isEmpty()).toList();
    }

    /** Whether a test entry ({@code Class}, {@code Class.method}, qualified or not) names one of these simple class names. */
    private static boolean namesOneOf(String entry, List<String> classes) {
        for (String simple : classes) {
            if (entry.equals(simple) || entry.endsWith('.' + simple) || entry.startsWith(simple + '.') || entry.contains('.' + simple + '.')) {
                return true;
            }
        }
        return false;
    }

    /** A specification as SINT compares them: {@code XEP-0115}, {@code xep0115} and {@code XEP 0115} are one. */
    private static String normalised(String specification) {
        return specification.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "");
    }

    /** Whether this is the whole suite (nothing enabled or disabled by name). */
    boolean isWholeSuite() {
        return enabledTests == null && disabledTests == null && enabledSpecifications == null && disabledSpecifications == null;
    }

    /** A line for the report. */
    String describe() {
        if (isWholeSuite()) {
            return "the whole suite";
        }
        StringBuilder text = new StringBuilder();
        append(text, "enabledTests", enabledTests);
        append(text, "disabledTests", disabledTests);
        append(text, "enabledSpecifications", enabledSpecifications);
        append(text, "disabledSpecifications", disabledSpecifications);
        return text.toString();
    }

    private static void append(StringBuilder text, String name, String value) {
        if (value != null) {
            if (!text.isEmpty()) {
                text.append(", ");
            }
            text.append("sint.").append(name).append('=').append(value);
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
