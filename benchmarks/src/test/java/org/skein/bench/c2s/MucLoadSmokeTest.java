package org.skein.bench.c2s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A few seconds of the group chat load tool with a few occupants on one node in this JVM: it runs, the
 * room carries the senders' messages to every occupant and none goes missing. No timing is asserted;
 * the cluster setup runs on demand only (three Hazelcast members are too slow for the test command).
 */
class MucLoadSmokeTest {

    @Test
    void theGroupChatLoadToolRunsAndEveryOccupantGetsEveryMessage() throws Exception {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        Map<String, Double> results = MucLoad.run(new String[] {"--mode", "smoke", "--setups", "single", "--occupants", "6"},
                new PrintStream(text, true, StandardCharsets.UTF_8));

        assertThat(results.get("single.roomMessagesPerSecond")).isPositive();
        assertThat(results.get("single.deliveriesPerSecond")).isPositive();
        assertThat(results.get("single.missingDeliveries")).isZero();
        assertThat(text.toString(StandardCharsets.UTF_8)).contains("single: 1 node(s), 6 occupants");
    }
}
