package org.skein.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JarUnpackerTest {

    @TempDir
    Path folder;

    @Test
    void unpacksFilesAndFolders() throws Exception {
        Path jar = zip("web/", null, "web/index.html", "<html/>", "plugin.xml", "<plugin/>", "i18n/deep/text.properties", "a=b");
        Path target = Files.createDirectory(folder.resolve("unpacked"));

        JarUnpacker.unpack(jar, target);

        assertThat(target.resolve("web")).isDirectory();
        assertThat(target.resolve("web/index.html")).hasContent("<html/>");
        assertThat(target.resolve("plugin.xml")).hasContent("<plugin/>");
        assertThat(target.resolve("i18n/deep/text.properties")).hasContent("a=b");
    }

    @Test
    void refusesEntriesThatEscapeTheFolder() throws Exception {
        for (String name : new String[] {"../escaped.txt", "web/../../escaped.txt", "/escaped.txt"}) {
            Path jar = zip("plugin.xml", "<plugin/>", name, "escaped");
            Path target = Files.createDirectories(folder.resolve("unpacked"));

            assertThatThrownBy(() -> JarUnpacker.unpack(jar, target))
                    .isInstanceOf(PluginException.class)
                    .hasMessageContaining("'" + name + "' would be written outside the plugin's folder");
            assertThat(folder.resolve("escaped.txt")).doesNotExist();
        }
    }

    @Test
    void allowsDotDotThatStaysInside() throws Exception {
        Path jar = zip("web/../plugin.xml", "<plugin/>");
        Path target = Files.createDirectory(folder.resolve("unpacked"));

        JarUnpacker.unpack(jar, target);

        assertThat(target.resolve("plugin.xml")).hasContent("<plugin/>");
    }

    @Test
    void refusesAFileThatIsNotAZip() throws Exception {
        Path jar = Files.writeString(folder.resolve("broken.jar"), "not a zip");

        assertThatThrownBy(() -> JarUnpacker.unpack(jar, folder))
                .isInstanceOf(PluginException.class)
                .hasMessageStartingWith("not a valid jar (zip) file");
    }

    /** A zip of (name, content) pairs; a null content makes a folder entry. */
    private Path zip(String... namesAndContents) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (int i = 0; i < namesAndContents.length; i += 2) {
                zip.putNextEntry(new ZipEntry(namesAndContents[i]));
                if (namesAndContents[i + 1] != null) {
                    zip.write(namesAndContents[i + 1].getBytes());
                }
                zip.closeEntry();
            }
        }
        return Files.write(Files.createTempFile(folder, "test", ".jar"), bytes.toByteArray());
    }
}
