package org.skein.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginDescriptorTest {

    @Test
    void readsEveryElement() throws Exception {
        PluginDescriptor descriptor = parse("""
                <?xml version="1.0" encoding="UTF-8"?>
                <plugin>
                    <class> org.example.HazelcastPlugin </class>
                    <name>Hazelcast</name>
                    <description>Clusters the server</description>
                    <author>Skein</author>
                    <version>1.2.0</version>
                    <minServerVersion>0.1.0</minServerVersion>
                    <adminconsole>
                        <page id="hazelcast-status" name="cluster.status" url="status.html" description="cluster.status.description"/>
                        <page id="hazelcast-config" name="Configuration" url="config.html"/>
                    </adminconsole>
                </plugin>
                """);

        assertThat(descriptor).isEqualTo(new PluginDescriptor(
                "org.example.HazelcastPlugin", "Hazelcast", "Clusters the server", "Skein", "1.2.0", "0.1.0",
                List.of(new AdminConsoleEntry("hazelcast-status", "cluster.status", "status.html", "cluster.status.description"),
                        new AdminConsoleEntry("hazelcast-config", "Configuration", "config.html", ""))));
    }

    @Test
    void optionalElementsDefaultToEmptyAndMinServerVersionToNull() throws Exception {
        PluginDescriptor descriptor = parse("<plugin><class>a.B</class><name>B</name><version/></plugin>");

        assertThat(descriptor.description()).isEmpty();
        assertThat(descriptor.author()).isEmpty();
        assertThat(descriptor.version()).isEmpty();
        assertThat(descriptor.minServerVersion()).isNull();
        assertThat(descriptor.adminConsoleEntries()).isEmpty();
    }

    @Test
    void isImmutable() throws Exception {
        PluginDescriptor descriptor = parse("<plugin><class>a.B</class><name>B</name><adminconsole/></plugin>");

        assertThatThrownBy(() -> descriptor.adminConsoleEntries().add(new AdminConsoleEntry("x", "x", "x", "")))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void refusesMissingOrEmptyRequiredElements() {
        assertRefused("<plugin><name>B</name></plugin>", "demo.jar!/plugin.xml: the required element <class> is missing or empty");
        assertRefused("<plugin><class>  </class><name>B</name></plugin>", "demo.jar!/plugin.xml: the required element <class> is missing or empty");
        assertRefused("<plugin><class>a.B</class></plugin>", "demo.jar!/plugin.xml: the required element <name> is missing or empty");
    }

    @Test
    void refusesAnotherRootElement() {
        assertRefused("<addon><class>a.B</class><name>B</name></addon>", "demo.jar!/plugin.xml: the root element is <addon>, expected <plugin>");
    }

    @Test
    void refusesMalformedXml() {
        assertThatThrownBy(() -> parse("<plugin><class>a.B</class><name>B</name>"))
                .isInstanceOf(PluginException.class)
                .hasMessageStartingWith("demo.jar!/plugin.xml: cannot be read as XML:");
        assertThatThrownBy(() -> parse(""))
                .isInstanceOf(PluginException.class)
                .hasMessageStartingWith("demo.jar!/plugin.xml: cannot be read as XML:");
    }

    @Test
    void refusesAPageWithoutItsRequiredAttributes() {
        assertRefused("<plugin><class>a.B</class><name>B</name><adminconsole>"
                        + "<page id='a' name='A' url='a.html'/><page id='b' name='B'/></adminconsole></plugin>",
                "demo.jar!/plugin.xml: <adminconsole> page 2 has no 'url' attribute");
    }

    @Test
    void refusesAMinServerVersionThatIsNotAVersion() {
        assertRefused("<plugin><class>a.B</class><name>B</name><minServerVersion>soon</minServerVersion></plugin>",
                "demo.jar!/plugin.xml: <minServerVersion> 'soon' is not a version such as 1.2.3");
    }

    @Test
    void refusesDoctypesSoNoExternalEntityIsEverRead(@TempDir Path folder) throws Exception {
        Path secret = Files.writeString(folder.resolve("secret.txt"), "the secret");
        String xml = "<?xml version=\"1.0\"?>\n"
                + "<!DOCTYPE plugin [<!ENTITY secret SYSTEM \"" + secret.toUri() + "\">]>\n"
                + "<plugin><class>a.B</class><name>&secret;</name></plugin>";

        assertThatThrownBy(() -> parse(xml))
                .isInstanceOf(PluginException.class)
                .hasMessageContaining("DOCTYPE")
                .hasMessageNotContaining("the secret");
    }

    @Test
    void refusesDoctypesThatExpandEntities() {
        String xml = "<?xml version=\"1.0\"?>\n"
                + "<!DOCTYPE plugin [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>\n"
                + "<plugin><class>a.B</class><name>&b;</name></plugin>";

        assertThatThrownBy(() -> parse(xml)).isInstanceOf(PluginException.class).hasMessageContaining("DOCTYPE");
    }

    private static void assertRefused(String xml, String message) {
        assertThatThrownBy(() -> parse(xml)).isInstanceOf(PluginException.class).hasMessage(message);
    }

    private static PluginDescriptor parse(String xml) throws PluginException {
        return PluginDescriptor.parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)), "demo.jar!/plugin.xml");
    }
}
