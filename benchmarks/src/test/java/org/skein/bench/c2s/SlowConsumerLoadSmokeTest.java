package org.skein.bench.c2s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A few seconds of the slow-consumer tool against a node in its own process, with small outbound bounds: the
 * stalled client's stream is ended by the policy and every message is read, kept offline or bounced. No timing
 * and no memory bound is asserted (those are the benchmark's figures, see benchmarks/README.md).
 */
class SlowConsumerLoadSmokeTest {

    @Test
    void everyMessageToAClientThatStopsReadingIsAccountedFor() throws Exception {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        Map<String, Double> results = SlowConsumerLoad.run(new String[] {"--smoke", "true"}, new PrintStream(text, true, StandardCharsets.UTF_8));
        String output = text.toString(StandardCharsets.UTF_8);

        assertThat(results.get("sent")).as(output).isEqualTo(12000.0);
        assertThat(results.get("missing")).as(output).isZero();
        assertThat(results.get("accounted")).as(output).isEqualTo(12000.0);
        assertThat(results.get("stalledConnections")).as(output).isEqualTo(1.0);
        assertThat(results.get("offline") + results.get("bounced")).as("the policy kept or bounced some: " + output).isPositive();
        assertThat(results.get("rssBeforeMiB")).isPositive();
        assertThat(results.get("pingPongStallRounds")).isPositive();
        assertThat(output).contains("RESULT rss peak during the stall", "RESULT ping-pong during the stall");
    }
}
