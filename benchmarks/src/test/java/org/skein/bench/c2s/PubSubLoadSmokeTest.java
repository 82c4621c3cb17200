package org.skein.bench.c2s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A few seconds of the publish-subscribe fan-out tool on three nodes in this JVM: every notification
 * arrives, and node 1 crosses to each other node once per publication. No timing is asserted.
 */
class PubSubLoadSmokeTest {

    @Test
    void everySubscriberGetsEveryPublicationWithOneRouterEntryPerOtherNode() throws Exception {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        Map<String, Double> results = PubSubLoad.run(new String[] {"--mode", "smoke"}, new PrintStream(text, true, StandardCharsets.UTF_8));

        assertThat(results.get("publishesPerSecond")).isPositive();
        assertThat(results.get("deliveryP50Millis")).isPositive();
        assertThat(results.get("routerEntriesPerPublish")).as(text.toString(StandardCharsets.UTF_8)).isEqualTo(2.0);
    }
}
