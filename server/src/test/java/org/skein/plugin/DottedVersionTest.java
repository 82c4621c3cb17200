package org.skein.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DottedVersionTest {

    @ParameterizedTest(name = "{0} satisfies {1}")
    @CsvSource({
        "0.1.0-SNAPSHOT, 0.1.0",
        "0.1.0, 0.1.0-SNAPSHOT",
        "0.1.0, 0.1",
        "0.1, 0.1.0",
        "0.2, 0.1.9",
        "0.10, 0.9",
        "1.0.0, 0.99.99",
        "2.0.0.Final, 1.9",
        "1.2.3-beta2, 1.2.3",
        "4.7.5, 4.7",
        " 1.0 , 1.0",
    })
    void isAtLeast(String running, String required) {
        assertThat(DottedVersion.parse(running).isAtLeast(DottedVersion.parse(required))).isTrue();
    }

    @ParameterizedTest(name = "{0} does not satisfy {1}")
    @CsvSource({
        "0.1.0-SNAPSHOT, 0.1.1",
        "0.1.9, 0.2",
        "0.9, 0.10",
        "0.1, 0.1.0.1",
        "1.9.9, 2",
    })
    void isBelow(String running, String required) {
        assertThat(DottedVersion.parse(running).isAtLeast(DottedVersion.parse(required))).isFalse();
    }

    @ParameterizedTest
    @CsvSource({"0.1.0, 0.1, 0", "0.2, 0.1.9, 1", "0.1.9, 0.2, -1", "1.0-SNAPSHOT, 1.0.0, 0"})
    void compareTo(String left, String right, int sign) {
        assertThat(Integer.signum(DottedVersion.parse(left).compareTo(DottedVersion.parse(right)))).isEqualTo(sign);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "SNAPSHOT-1.0", "v1.0", ".1", "99999999999"})
    void refusesTextThatIsNotAVersion(String text) {
        assertThatThrownBy(() -> DottedVersion.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "'");
    }
}
