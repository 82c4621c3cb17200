package org.skein;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one node from the command line, or manages its accounts:
 * <pre>
 *   java -jar skein-server.jar [--home &lt;folder&gt;]              run the node until Ctrl-C / SIGTERM
 *   java -jar skein-server.jar user add alice secret [--home ...]   see {@link UserCommand}
 * </pre>
 * The home folder defaults to {@code $SKEIN_HOME}, else {@code ./run/node1}.
 */
public final class Main {

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        Path home = null;
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if ((args[i].equals("--home") || args[i].equals("-h")) && i + 1 < args.length) {
                home = Path.of(args[++i]);
            } else {
                rest.add(args[i]);
            }
        }
        if (home == null) {
            String env = System.getenv("SKEIN_HOME");
            home = Path.of(env != null && !env.isBlank() ? env : "run/node1");
        }
        if (!rest.isEmpty()) {
            if (rest.get(0).equals("user")) {
                System.exit(new UserCommand(home, System.out, System.in).run(rest.subList(1, rest.size())));
            }
            LOG.error("Unknown argument '{}'. Usage: skein-server [--home <folder>] | skein-server user ...", rest.get(0));
            System.exit(2);
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
