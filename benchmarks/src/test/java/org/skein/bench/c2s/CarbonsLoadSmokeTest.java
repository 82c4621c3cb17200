package org.skein.bench.c2s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A few seconds of the carbons load tool on two Hazelcast members in this JVM: every copy reaches every
 * resource on the other node, and the copies of one message for that node cross as one router entry.
 * No timing is asserted.
 */
class CarbonsLoadSmokeTest {

    @Test
    void theCarbonsLoadToolRunsAndTheCopiesForOneNodeCrossOnce() throws Exception {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        Map<String, Double> results = CarbonsLoad.run(new String[] {"--mode", "smoke"}, new PrintStream(text, true, StandardCharsets.UTF_8));

        assertThat(results.get("messagesPerSecond")).isPositive();
        assertThat(results.get("missingCopies")).isZero();
        assertThat(results.get("routerEntriesPerMessage")).as(text.toString(StandardCharsets.UTF_8)).isEqualTo(1.0);
    }
}
