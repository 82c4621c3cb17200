package org.skein.plugin;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.ZipFile;

/** File helpers of the plugin manager: jar names and ids, content hashes, folder removal. */
final class PluginFiles {

    private static final String JAR_SUFFIX = ".jar";

    private PluginFiles() {
    }

    /**
     * Whether a file name in the plugins folder names a plugin jar: it ends in {@code .jar}, has a
     * name before that, does not start with a dot (hidden and temporary files are skipped) and holds
     * no path separator.
     */
    static boolean isPluginJarName(String fileName) {
        return fileName.endsWith(JAR_SUFFIX)
                && fileName.length() > JAR_SUFFIX.length()
                && !fileName.startsWith(".")
                && fileName.indexOf('/') < 0
                && fileName.indexOf('\\') < 0
                && fileName.indexOf('\0') < 0;
    }

    /** {@code hazelcast.jar} gives {@code hazelcast}. */
    static String idOf(String jarFileName) {
        return jarFileName.substring(0, jarFileName.length() - JAR_SUFFIX.length());
    }

    /**
     * The jar file name of a plugin id given by a caller.
     *
     * @throws IllegalArgumentException if the id could name a file outside the plugins folder
     */
    static String jarNameOf(String id) {
        String jarFileName = id + JAR_SUFFIX;
        if (!isPluginJarName(jarFileName)) {
            throw new IllegalArgumentException("'" + id + "' is not a plugin id: it must be a jar's file name without "
                    + "'.jar', not start with a dot and hold no path separator");
        }
        return jarFileName;
    }

    /** Whether the file can be opened as a zip archive (its central directory is complete). */
    static boolean opensAsZip(Path file) {
        try {
            new ZipFile(file.toFile()).close();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The SHA-256 of the file's content, in hex. */
    static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Deletes a file or a folder with everything in it; a missing path is not an error. */
    static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw e;
                }
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
