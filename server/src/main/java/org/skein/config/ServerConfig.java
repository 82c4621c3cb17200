package org.skein.config;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A node's configuration: the key/value pairs of its {@code conf/skein.properties}.
 *
 * <p>Reads are lock-free. {@link #set} changes a value, writes it back to the file in place (the
 * operator's comments and the order of the keys are kept) and tells the {@link ConfigListener}s.
 * Typed getters throw a {@link ConfigException} that names the file, the key and what was expected
 * when a value cannot be parsed.
 *
 * <p>Sizes are written as {@code 512}, {@code 256KiB}, {@code 64MiB}, {@code 1GiB} (also KB, MB, GB
 * as powers of 1024) or {@code -1} for unlimited; durations as {@code 250ms}, {@code 30s},
 * {@code 5m}, {@code 6h}, {@code 2d} or {@code -1} for forever.
 */
public final class ServerConfig {

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmg]i?b?|b)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?", Pattern.CASE_INSENSITIVE);

    private final Path file;
    private final String source;
    private final Map<String, String> values = new ConcurrentHashMap<>();
    private final List<ConfigListener> listeners = new CopyOnWriteArrayList<>();
    private final Object writeLock = new Object();

    private ServerConfig(Path file, String source, Map<String, String> initial) {
        this.file = file;
        this.source = source;
        this.values.putAll(initial);
    }

    /**
     * Loads the properties file; a missing file is an empty configuration that is created on the
     * first {@link #set}.
     */
    public static ServerConfig load(Path file) {
        Map<String, String> initial = new TreeMap<>();
        if (Files.exists(file)) {
            try {
                Properties properties = new Properties();
                properties.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
                properties.forEach((k, v) -> initial.put(k.toString().trim(), v.toString().trim()));
            } catch (IOException | IllegalArgumentException e) {
                throw new ConfigException(file + ": cannot be read as a properties file: " + e.getMessage(), e);
            }
        }
        return new ServerConfig(file, file.toString(), initial);
    }

    /** A configuration held in memory only (tests, benchmarks, embedded use): {@link #set} persists nothing. */
    public static ServerConfig inMemory(Map<String, String> initial) {
        return new ServerConfig(null, "(in-memory configuration)", initial);
    }

    /** The file behind this configuration, if any. */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /** The name used for this configuration in error messages: its file, or "(in-memory configuration)". */
    public String source() {
        return source;
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    public String get(String key, String defaultValue) {
        return values.getOrDefault(key, defaultValue);
    }

    /** Every key with the given prefix, with its value, sorted by key. */
    public Map<String, String> withPrefix(String prefix) {
        Map<String, String> result = new TreeMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                result.put(k, v);
            }
        });
        return result;
    }

    public boolean getBoolean(String key, boolean defaultValue) {
        String value = values.get(key);
        if (value == null || value.isEmpty()) {
            return defaultValue;
        }
        switch (value.toLowerCase(Locale.ROOT)) {
            case "true": case "yes": case "on":
                return true;
            case "false": case "no": case "off":
                return false;
            default:
                throw ConfigException.badValue(source, key, value, "true or false");
        }
    }

    public int getInt(String key, int defaultValue) {
        String value = values.get(key);
        if (value == null || value.isEmpty()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw ConfigException.badValue(source, key, value, "a whole number");
        }
    }

    public long getLong(String key, long defaultValue) {
        String value = values.get(key);
        if (value == null || value.isEmpty()) {
            return defaultValue;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw ConfigException.badValue(source, key, value, "a whole number");
        }
    }

    /** A size in bytes, or -1 for unlimited. */
    public long getByteSize(String key, long defaultValue) {
        String value = values.get(key);
        if (value == null || value.isEmpty()) {
            return defaultValue;
        }
        try {
            return parseByteSize(value);
        } catch (IllegalArgumentException e) {
            throw ConfigException.badValue(source, key, value, "a size such as 512, 256KiB, 64MiB, 1GiB or -1 for unlimited");
        }
    }

    /**
     * A size in bytes within bounds (no -1 for unlimited).
     *
     * @param expected how to describe a good value in the error, such as {@code "a size from 1 byte to 10MiB such as 128KiB"}
     * @throws ConfigException naming the file and the key if the value is not a size from {@code min} to {@code max}
     */
    public long getByteSize(String key, long defaultValue, long min, long max, String expected) {
        String value = values.get(key);
        long size;
        try {
            size = value == null || value.isEmpty() ? defaultValue : parseByteSize(value);
        } catch (IllegalArgumentException e) {
            throw ConfigException.badValue(source, key, value, expected);
        }
        if (size < min || size > max) {
            throw ConfigException.badValue(source, key, value, expected);
        }
        return size;
    }

    /** A duration, or {@code null} when the value is -1 (forever). */
    public Duration getDuration(String key, Duration defaultValue) {
        String value = values.get(key);
        if (value == null || value.isEmpty()) {
            return defaultValue;
        }
        try {
            return parseDuration(value);
        } catch (IllegalArgumentException e) {
            throw ConfigException.badValue(source, key, value, "a duration such as 250ms, 30s, 5m, 6h, 2d or -1 for forever");
        }
    }

    /** Parses a byte size ({@code 64MiB}, {@code 512}, {@code -1}); -1 means unlimited. */
    public static long parseByteSize(String text) {
        String value = text.trim();
        if (value.equals("-1")) {
            return -1;
        }
        Matcher m = SIZE.matcher(value);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a size: " + text);
        }
        long number = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
        switch (unit.charAt(0)) {
            case 'k': return Math.multiplyExact(number, 1024L);
            case 'm': return Math.multiplyExact(number, 1024L * 1024);
            case 'g': return Math.multiplyExact(number, 1024L * 1024 * 1024);
            default: return number;
        }
    }

    /** Parses a duration ({@code 30s}, {@code 6h}, bare numbers are milliseconds); -1 gives {@code null}. */
    public static Duration parseDuration(String text) {
        String value = text.trim();
        if (value.equals("-1")) {
            return null;
        }
        Matcher m = DURATION.matcher(value);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration: " + text);
        }
        long number = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "ms" : m.group(2).toLowerCase(Locale.ROOT);
        switch (unit) {
            case "s": return Duration.ofSeconds(number);
            case "m": return Duration.ofMinutes(number);
            case "h": return Duration.ofHours(number);
            case "d": return Duration.ofDays(number);
            default: return Duration.ofMillis(number);
        }
    }

    /**
     * Sets a value (or removes it when {@code value} is null), writes the file in place and tells
     * the listeners.
     *
     * @throws ConfigException if the file cannot be written; the value in memory is then unchanged
     */
    public void set(String key, String value) {
        String old;
        synchronized (writeLock) {
            old = values.get(key);
            if (java.util.Objects.equals(old, value)) {
                return;
            }
            if (file != null) {
                persist(key, value);
            }
            if (value == null) {
                values.remove(key);
            } else {
                values.put(key, value);
            }
        }
        for (ConfigListener listener : listeners) {
            listener.changed(key, old, value);
        }
    }

    public void addListener(ConfigListener listener) {
        listeners.add(listener);
    }

    public void removeListener(ConfigListener listener) {
        listeners.remove(listener);
    }

    /** Rewrites the one line that holds the key (or appends one), keeping everything else as it was. */
    private void persist(String key, String value) {
        try {
            List<String> lines = Files.exists(file)
                    ? new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8))
                    : new ArrayList<>();
            Pattern keyLine = Pattern.compile("^\\s*" + Pattern.quote(key) + "\\s*[=:].*$");
            boolean found = false;
            for (int i = 0; i < lines.size(); i++) {
                if (keyLine.matcher(lines.get(i)).matches()) {
                    if (value == null) {
                        lines.remove(i--);
                    } else if (!found) {
                        lines.set(i, key + "=" + escape(value));
                    } else {
                        lines.remove(i--);
                    }
                    found = true;
                }
            }
            if (!found && value != null) {
                lines.add(key + "=" + escape(value));
            }
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(tmp, lines, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot write key '" + key + "': " + e.getMessage(), e);
        }
    }

    private static String escape(String value) {
        StringBuilder sb = new StringBuilder(value.length());
        for (char c : value.toCharArray()) {
            switch (c) {
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                default: sb.append(c);
            }
        }
        return sb.toString();
    }
}
