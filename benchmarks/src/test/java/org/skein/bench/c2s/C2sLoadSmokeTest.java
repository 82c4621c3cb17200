package org.skein.bench.c2s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A few seconds of the load tool against a node in this JVM: it runs and measures something. No timing is asserted. */
class C2sLoadSmokeTest {

    @Test
    void theLoadToolRunsEveryMode() throws Exception {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        Map<String, Double> results = C2sLoad.run(new String[] {"--mode", "smoke"}, new PrintStream(text, true, StandardCharsets.UTF_8));

        assertThat(results.get("messagesPerSecond")).isPositive();
        assertThat(results.get("pingP50Micros")).isPositive();
        assertThat(results.get("pingPongP50Micros")).isPositive();
        assertThat(results).containsKeys("bytesPerIdleSession", "bytesPerIdleTlsSession");
        assertThat(text.toString(StandardCharsets.UTF_8)).contains("throughput:", "server ping round trip", "idle sessions");
    }
}
