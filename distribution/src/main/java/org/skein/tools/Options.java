package org.skein.tools;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/** Command-line options of the form {@code --name value}; a name may repeat. */
final class Options {

    private final Map<String, List<String>> values;

    private Options(Map<String, List<String>> values) {
        this.values = values;
    }

    static Options parse(String[] args) throws UsageException {
        Map<String, List<String>> values = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || args[i].length() == 2) {
                throw new UsageException("unexpected argument '" + args[i] + "'");
            }
            if (i + 1 >= args.length) {
                throw new UsageException(args[i] + " needs a value");
            }
            values.computeIfAbsent(args[i].substring(2), k -> new ArrayList<>()).add(args[++i]);
        }
        return new Options(values);
    }

    Optional<String> optional(String name) {
        List<String> list = values.get(name);
        return list == null ? Optional.empty() : Optional.of(list.get(list.size() - 1));
    }

    String required(String name) throws UsageException {
        return optional(name).orElseThrow(() -> new UsageException("--" + name + " is missing"));
    }

    List<String> all(String name) {
        return values.getOrDefault(name, List.of());
    }

    int number(String name, int defaultValue, int min, int max) throws UsageException {
        Optional<String> value = optional(name);
        if (value.isEmpty()) {
            return defaultValue;
        }
        try {
            int number = Integer.parseInt(value.get().trim());
            if (number < min || number > max) {
                throw new NumberFormatException();
            }
            return number;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " is '" + value.get() + "', expected a whole number from " + min + " to " + max);
        }
    }

    Duration seconds(String name, int defaultSeconds) throws UsageException {
        return Duration.ofSeconds(number(name, defaultSeconds, 0, 86_400));
    }

    /** A host:port value. */
    HostPort hostPort(String name) throws UsageException {
        String value = required(name);
        int colon = value.lastIndexOf(':');
        try {
            if (colon <= 0) {
                throw new NumberFormatException();
            }
            int port = Integer.parseInt(value.substring(colon + 1));
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return new HostPort(value.substring(0, colon), port);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " is '" + value + "', expected HOST:PORT such as 127.0.0.1:5222");
        }
    }

    /** The name=password lines of the file named by {@code --accounts}. */
    Properties accounts() throws UsageException {
        Path file = Path.of(required("accounts"));
        Properties accounts = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            accounts.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            throw new UsageException("--accounts: cannot read " + file + ": " + e.getMessage());
        }
        return accounts;
    }

    static String password(Properties accounts, String user, String file) throws UsageException {
        String password = accounts.getProperty(user);
        if (password == null || password.isEmpty()) {
            throw new UsageException("--accounts: " + file + " has no password for '" + user + "'");
        }
        return password;
    }

    record HostPort(String host, int port) {
        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    /** A wrong command line: the message says what was expected. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
