package org.skein.tools;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Entry point of {@code tools/skein-tools.jar}: {@code check ...} or {@code cluster ...}. Exit codes:
 * 0 success, 1 the check failed, 2 bad usage. The output is for the person at the terminal.
 */
public final class SkeinTools {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    private SkeinTools() {
    }

    public static void main(String[] args) {
        // Smack logs through java.util.logging; the tool reports failures itself
        Logger.getLogger("").setLevel(Level.SEVERE);
        System.exit(run(args, System.out));
    }

    static int run(String[] args, PrintStream out) {
        if (args.length == 0) {
            return usage(out);
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            switch (args[0]) {
                case "check":
                    return XmppCheck.fromOptions(Options.parse(rest)).run(out);
                case "cluster":
                    return ClusterView.fromOptions(Options.parse(rest)).run(out);
                default:
                    return usage(out);
            }
        } catch (Options.UsageException e) {
            out.println("Error: " + e.getMessage());
            return usage(out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            out.println("Interrupted");
            return FAILED;
        }
    }

    private static int usage(PrintStream out) {
        out.println("Usage: skein check --user1 NAME --server1 HOST:PORT --user2 NAME --server2 HOST:PORT");
        out.println("                   --accounts FILE [--domain localhost] [--trust CERT.pem] [--messages 10] [--timeout 20]");
        out.println("         two users on two nodes exchange a presence and messages; prints the round trip");
        out.println("       skein cluster --console URL [--console URL ...] --user NAME --accounts FILE");
        out.println("                   [--expect N] [--wait SECONDS]");
        out.println("         the cluster's nodes as each admin console shows them; with --wait, waits until every");
        out.println("         console shows the same N answering nodes");
        out.println("FILE holds name=password lines; CERT.pem the certificates to trust (default: the JVM's trust store).");
        return USAGE;
    }
}
