package org.skein.bench.mam;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A few seconds of the archive benchmark on H2, so that the tool keeps working (its figures are not checked). */
class ArchiveLoadSmokeTest {

    @Test
    void theToolFillsQueriesAndWritesAndReportsEveryFigure() throws Exception {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        Map<String, Double> results = ArchiveLoad.run(new String[] {"--db", "h2", "--rows", "3000", "--queries", "20", "--writes", "50", "--batch", "10"},
                new PrintStream(text, true, StandardCharsets.UTF_8));
        assertThat(results).containsKeys("last50.p50", "last50.p99", "middlePageAfterId.p99", "last50WithContact.p99",
                "dateRangeHour.p99", "singleRowWrite.p99", "singleRowWritesPerSecond", "batchWrite.p99", "batchedRowWritesPerSecond");
        assertThat(text.toString(StandardCharsets.UTF_8)).contains("3,000 rows for one account");
    }
}
