package org.skein.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layers of the clustering core, bottom to top: {@code cluster} (the vocabulary) imports nothing of
 * Skein; {@code cache} knows only {@code cluster}; the SPI ({@code cluster.spi}) knows both; the
 * protocol ({@code clustering}) knows all three. The module boundary already keeps the node out; this
 * keeps the order inside the module, so that no cycle grows back.
 */
class LayersTest {

    private static final Path SOURCES = Path.of("src/main/java/org/skein");
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?(org\\.skein\\.[\\w.]+)\\.[A-Z]\\w*(?:\\.\\w+)*;", Pattern.MULTILINE);

    @Test
    void theVocabularyImportsNothingOfSkein() throws IOException {
        assertThat(importsOf("cluster", true)).isEmpty();
    }

    @Test
    void cachesKnowOnlyTheVocabulary() throws IOException {
        assertThat(importsOf("cache", true)).allMatch(p -> p.equals("org.skein.cluster"));
    }

    @Test
    void theSpiKnowsCachesAndTheVocabulary() throws IOException {
        assertThat(importsOf("cluster/spi", true)).allMatch(p -> p.equals("org.skein.cluster") || p.equals("org.skein.cache"));
    }

    @Test
    void theProtocolKnowsTheLayersBelowIt() throws IOException {
        assertThat(importsOf("clustering", true)).allMatch(p -> p.equals("org.skein.cluster") || p.equals("org.skein.cache")
                || p.equals("org.skein.cluster.spi"));
    }

    /** The Skein packages the files of one package import from other packages. */
    private static List<String> importsOf(String packagePath, boolean topLevelOnly) throws IOException {
        Path folder = SOURCES.resolve(packagePath);
        String ownPackage = "org.skein." + packagePath.replace('/', '.');
        List<String> imported = new ArrayList<>();
        try (Stream<Path> files = topLevelOnly ? Files.list(folder) : Files.walk(folder)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Matcher matcher = IMPORT.matcher(Files.readString(file));
                while (matcher.find()) {
                    String pkg = matcher.group(1);
                    if (!pkg.equals(ownPackage)) {
                        imported.add(pkg);
                    }
                }
            }
        }
        assertThat(folder).isDirectory();
        return imported;
    }
}
