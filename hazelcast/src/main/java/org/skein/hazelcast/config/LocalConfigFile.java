package org.skein.hazelcast.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.skein.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's {@code conf/hazelcast-local-config.xml}: created from the plugin's template when it is
 * missing, and never written again, so an operator's network settings survive plugin upgrades.
 */
public final class LocalConfigFile {

    private static final Logger LOG = LoggerFactory.getLogger(LocalConfigFile.class);

    /** The template, beside this class. */
    static final String TEMPLATE = "hazelcast-local-config.template.xml";

    private LocalConfigFile() {
    }

    /**
     * Creates the file from the template if it does not exist.
     *
     * @return whether it was created now
     * @throws ConfigException if the file cannot be written
     */
    public static boolean createIfMissing(Path file) {
        if (Files.exists(file)) {
            return false;
        }
        try (InputStream template = LocalConfigFile.class.getResourceAsStream(TEMPLATE)) {
            if (template == null) {
                throw new IllegalStateException("the plugin lacks its " + TEMPLATE);
            }
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path temporary = Files.createTempFile(file.toAbsolutePath().getParent(), ".hazelcast-local-config-", ".tmp");
            try {
                Files.copy(template, temporary, StandardCopyOption.REPLACE_EXISTING);
                // no REPLACE_EXISTING: a file another process wrote meanwhile wins
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException e) {
                return false;
            } finally {
                Files.deleteIfExists(temporary);
            }
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot be created from the plugin's template: " + e, e);
        }
        LOG.info("Created {} from the plugin's template: this node listens on 127.0.0.1 and looks for other nodes "
                + "on this machine only; edit it to cluster several machines (see the plugin's readme)", file);
        return true;
    }
}
