package org.skein;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.skein.config.ConfigException;
import org.skein.testing.TestNodes;

/** A bad limit for vCards, private XML or block lists stops the node with a message that names the key. */
class ImConfigTest {

    @TempDir
    Path dir;

    @Test
    void badLimitsNameTheKeyAndWhatWasExpected() throws Exception {
        try (TestNodes nodes = new TestNodes(dir)) {
            assertThatThrownBy(() -> nodes.create("a", Map.of("vcard.maxSize", "20MiB")))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("vcard.maxSize").hasMessageContaining("20MiB")
                    .hasMessageContaining("from 1 to 10MiB");
            assertThatThrownBy(() -> nodes.create("b", Map.of("vcard.maxSize", "lots")))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("vcard.maxSize").hasMessageContaining("lots");
            assertThatThrownBy(() -> nodes.create("c", Map.of("privatedata.maxSize", "-1")))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("privatedata.maxSize").hasMessageContaining("10MiB");
            assertThatThrownBy(() -> nodes.create("d", Map.of("blocking.maxItems", "0")))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("blocking.maxItems").hasMessageContaining("positive");
            assertThatThrownBy(() -> nodes.create("e", Map.of("xmpp.version.showOs", "perhaps")))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("xmpp.version.showOs");
        }
    }
}
