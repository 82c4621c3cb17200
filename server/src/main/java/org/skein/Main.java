package org.skein;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one node from the command line: {@code java -jar skein-server.jar [--home <folder>]}. The home
 * folder defaults to {@code $SKEIN_HOME}, else {@code ./run/node1}. Stops cleanly on Ctrl-C / SIGTERM.
 */
public final class Main {

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        Path home = null;
        for (int i = 0; i < args.length; i++) {
            if ((args[i].equals("--home") || args[i].equals("-h")) && i + 1 < args.length) {
                home = Path.of(args[++i]);
            } else {
                LOG.error("Unknown argument '{}'. Usage: skein-server [--home <folder>]", args[i]);
                System.exit(2);
            }
        }
        if (home == null) {
            String env = System.getenv("SKEIN_HOME");
            home = Path.of(env != null && !env.isBlank() ? env : "run/node1");
        }
        XmppServer server;
        try {
            server = new XmppServer(home);
            server.start();
        } catch (RuntimeException e) {
            LOG.error("Skein could not start: {}", e.getMessage(), e);
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop();
            stopped.countDown();
        }, "skein-shutdown"));
        stopped.await();
    }
}
