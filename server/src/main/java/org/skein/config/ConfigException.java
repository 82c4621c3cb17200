package org.skein.config;

/**
 * A configuration value that is missing or cannot be used. The message always names the file, the
 * key and what was expected, so an operator can fix it without reading code.
 */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }

    static ConfigException badValue(String source, String key, String value, String expected) {
        return new ConfigException(source + ": key '" + key + "' is '" + value + "', expected " + expected);
    }
}
