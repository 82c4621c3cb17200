package org.skein.plugin;

/**
 * A plugin jar that cannot be loaded: its {@code plugin.xml} is missing or invalid, its class cannot
 * be found or created, it needs a newer server, or its own code failed while starting.
 *
 * <p>The message always says what is wrong in words an operator can act on; it is what the log and
 * the admin console show. The cause is set only when the plugin's own code threw (its constructor,
 * a static initializer, {@link Plugin#initializePlugin}), since only then does a stack trace help:
 * for a bad descriptor or jar the message says it all. It is a checked exception because a broken
 * plugin is an expected event that callers (the admin console, tools that read descriptors) must handle.
 */
public final class PluginException extends Exception {

    private static final long serialVersionUID = 1L;

    public PluginException(String message) {
        super(message);
    }

    public PluginException(String message, Throwable cause) {
        super(message, cause);
    }
}
