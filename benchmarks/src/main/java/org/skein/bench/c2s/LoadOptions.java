package org.skein.bench.c2s;

import java.util.HashMap;
import java.util.Map;

/** The load tools' command line: {@code --key value} pairs, read into a map. */
final class LoadOptions {

    private LoadOptions() {
    }

    /** The pairs of {@code args}; an argument that is no {@code --key} or a key without a value is refused. */
    static Map<String, String> parse(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --key value pairs, got " + args[i]);
            }
            options.put(args[i].substring(2), args[++i]);
        }
        return options;
    }
}
