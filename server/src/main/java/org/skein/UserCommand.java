package org.skein;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.skein.user.UserAlreadyExistsException;
import org.skein.user.UserManager;
import org.skein.user.UserNotFoundException;

/**
 * Manages accounts from the command line, without a client, whether or not the node runs (the
 * embedded database accepts a second process):
 * <pre>
 *   skein-server user add &lt;name&gt; &lt;password|-&gt; [--home DIR]
 *   skein-server user passwd &lt;name&gt; &lt;password|-&gt; [--home DIR]
 *   skein-server user delete &lt;name&gt; [--home DIR]
 *   skein-server user list [--home DIR]
 * </pre>
 * A password of {@code -} is read from standard input, so it stays out of the process list.
 * This is a command-line tool: its output is for the person at the terminal, not a log.
 */
final class UserCommand {

    private final Path home;
    private final PrintStream out;
    private final BufferedReader in;

    UserCommand(Path home, PrintStream out, java.io.InputStream in) {
        this.home = home;
        this.out = out;
        this.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }

    /** Runs one command; returns the process exit code. */
    int run(List<String> args) {
        if (args.isEmpty()) {
            return usage();
        }
        XmppServer node = new XmppServer(home);
        try {
            node.database().start();
            UserManager users = node.userManager();
            switch (args.get(0)) {
                case "add":
                    if (args.size() != 3) {
                        return usage();
                    }
                    users.createUser(args.get(1), password(args.get(2)), "", "");
                    out.println("Created user " + UserManager.normalize(args.get(1)));
                    return 0;
                case "passwd":
                    if (args.size() != 3) {
                        return usage();
                    }
                    users.setPassword(args.get(1), password(args.get(2)));
                    out.println("Changed the password of " + UserManager.normalize(args.get(1)));
                    return 0;
                case "delete":
                    if (args.size() != 2) {
                        return usage();
                    }
                    users.deleteUser(args.get(1));
                    out.println("Deleted user " + UserManager.normalize(args.get(1)));
                    return 0;
                case "list":
                    for (String name : users.usernames(0, Integer.MAX_VALUE)) {
                        out.println(name);
                    }
                    return 0;
                default:
                    return usage();
            }
        } catch (UserAlreadyExistsException | UserNotFoundException | IllegalArgumentException e) {
            out.println("Error: " + e.getMessage());
            return 1;
        } catch (IOException | RuntimeException e) {
            out.println("Error: " + e.getMessage());
            return 1;
        } finally {
            node.stop();
        }
    }

    private String password(String arg) throws IOException {
        if (!arg.equals("-")) {
            return arg;
        }
        String line = in.readLine();
        if (line == null || line.isEmpty()) {
            throw new IllegalArgumentException("no password on standard input");
        }
        return line;
    }

    private int usage() {
        out.println("Usage: skein-server user add <name> <password|->");
        out.println("       skein-server user passwd <name> <password|->");
        out.println("       skein-server user delete <name>");
        out.println("       skein-server user list");
        out.println("Options: --home <folder> (the node's home; default $SKEIN_HOME or ./run/node1)");
        return 2;
    }
}
