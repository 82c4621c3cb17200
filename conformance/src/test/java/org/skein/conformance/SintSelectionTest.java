package org.skein.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SintSelectionTest {

    private static final List<String> CAPS = List.of("EntityCapsTest");

    private static SintSelection selection(String enabledTests, String disabledTests, String enabledSpecs, String disabledSpecs) {
        return new SintSelection(enabledTests, disabledTests, enabledSpecs, disabledSpecs, Duration.ofSeconds(20), null);
    }

    @Test
    void theWholeSuiteRunsTheCapsTestsApart() {
        SintSelection all = selection(null, null, null, null);

        assertThat(all.selects(CAPS, "XEP-0115")).isTrue();
        assertThat(all.without(CAPS).disabledTests()).isEqualTo("EntityCapsTest");
        assertThat(all.only(CAPS).enabledTests()).isEqualTo("EntityCapsTest");
    }

    @Test
    void namedTestsKeepTheirOwnMethodsInTheSeparateRun() {
        SintSelection some = selection("RosterIntegrationTest, EntityCapsTest.testEntityCaps", "MoodIntegrationTest", null, null);

        assertThat(some.selects(CAPS, "XEP-0115")).isTrue();
        assertThat(some.without(CAPS).disabledTests()).isEqualTo("MoodIntegrationTest,EntityCapsTest");
        assertThat(some.only(CAPS).enabledTests()).isEqualTo("EntityCapsTest.testEntityCaps");
        assertThat(some.only(CAPS).disabledTests()).isEqualTo("MoodIntegrationTest");
    }

    @Test
    void aSelectionWithoutTheCapsTestsHasNoSeparateRun() {
        assertThat(selection("RosterIntegrationTest", null, null, null).selects(CAPS, "XEP-0115")).isFalse();
        assertThat(selection(null, "org.jivesoftware.smackx.caps.EntityCapsTest", null, null).selects(CAPS, "XEP-0115")).isFalse();
        assertThat(selection(null, null, "XEP-0045", null).selects(CAPS, "XEP-0115")).isFalse();
        assertThat(selection(null, null, null, "xep0115").selects(CAPS, "XEP-0115")).isFalse();
        assertThat(selection(null, null, "XEP-0045, xep 0115", null).selects(CAPS, "XEP-0115")).isTrue();
    }
}
