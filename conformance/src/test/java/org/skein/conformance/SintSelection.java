package org.skein.conformance;

import java.time.Duration;
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
