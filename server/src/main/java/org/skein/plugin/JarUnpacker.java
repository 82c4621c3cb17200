package org.skein.plugin;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Unpacks a plugin jar into an empty folder. An entry whose name would land outside that folder
 * ({@code ../x}, {@code /etc/x}: "zip slip") makes the whole jar refused, since a jar built that way
 * is either broken or hostile.
 */
final class JarUnpacker {

    private JarUnpacker() {
    }

    /**
     * @throws PluginException if the file is not a readable zip, an entry escapes the folder, or
     *     writing fails; the folder may then hold part of the content and is the caller's to delete
     */
    static void unpack(Path jar, Path folder) throws PluginException {
        Path root = folder.toAbsolutePath().normalize();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                Path target = root.resolve(entry.getName()).normalize();
                if (!target.startsWith(root)) {
                    throw new PluginException("the jar entry '" + entry.getName()
                            + "' would be written outside the plugin's folder (zip slip); the jar is refused");
                }
                if (entry.isDirectory() || target.equals(root)) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    try (InputStream in = zip.getInputStream(entry)) {
                        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        } catch (ZipException e) {
            throw new PluginException("not a valid jar (zip) file: " + e.getMessage());
        } catch (IOException e) {
            throw new PluginException("cannot be unpacked into " + folder + ": " + e);
        }
    }
}
