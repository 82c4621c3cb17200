package org.skein.plugin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Optional;

/**
 * What tells one version of a jar on disk from another without reading it: its size, its
 * last-modified time and its file key (the inode on Unix, so a jar replaced by an atomic move is seen
 * as changed even when size and time happen to match). Compared between scans of the plugins folder.
 *
 * @param fileKey may be {@code null} on file systems that have no file keys
 */
record JarFingerprint(long size, FileTime lastModified, Object fileKey) {

    /** The fingerprint of the file now, or empty if there is no such file. */
    static Optional<JarFingerprint> of(Path jar) throws IOException {
        try {
            BasicFileAttributes attributes = Files.readAttributes(jar, BasicFileAttributes.class);
            return Optional.of(new JarFingerprint(attributes.size(), attributes.lastModifiedTime(), attributes.fileKey()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }
}
