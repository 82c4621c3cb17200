package org.skein;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.skein.cluster.NodeID;
import org.skein.config.ConfigException;

/**
 * A node's id: {@code node.id} from the configuration if the operator set one, else the id kept in
 * {@code data/node-id}, created on first start. Kept across restarts, so a restarted node is
 * recognised as the same node.
 */
final class NodeIdentity {

    static final String CONFIG_KEY = "node.id";

    private NodeIdentity() {
    }

    static NodeID load(org.skein.config.ServerConfig config, Path dataDirectory) {
        String configured = config.get(CONFIG_KEY, "").trim();
        if (!configured.isEmpty()) {
            try {
                return NodeID.of(configured);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(config.source() + ": key '" + CONFIG_KEY + "' is '" + configured
                        + "', expected 1 to 128 characters");
            }
        }
        Path file = dataDirectory.resolve("node-id");
        try {
            if (Files.exists(file)) {
                return NodeID.of(Files.readString(file, StandardCharsets.UTF_8));
            }
            NodeID id = NodeID.random();
            Files.createDirectories(dataDirectory);
            Files.writeString(file, id.value() + "\n", StandardCharsets.UTF_8);
            return id;
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException(file + ": cannot read or create the node id: " + e.getMessage(), e);
        }
    }
}
