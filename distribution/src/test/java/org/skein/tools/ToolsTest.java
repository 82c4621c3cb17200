package org.skein.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tools' command line and their reading of what nodes answer; the tools against real nodes run in LocalClusterIT. */
class ToolsTest {

    @TempDir
    Path dir;

    @Test
    void roundTripsReportTheFirstAndTheMedianMinimumAndMaximum() {
        RoundTrips trips = RoundTrips.of(new long[] {9_000_000, 2_000_000, 4_000_000, 3_000_000});
        assertThat(trips.describe()).isEqualTo("4 round trips, first 9.0 ms, median 3.5 ms, min 2.0 ms, max 9.0 ms");
        assertThat(RoundTrips.of(new long[] {1_500_000}).describe()).startsWith("1 round trip, first 1.5 ms, median 1.5 ms");
    }

    @Test
    void theNodeTableOfTheClusteringPageGivesEachNodeAndWhetherItAnswered() {
        String html = """
                <table class="nodes" id="nodes-table"><tbody>
                <tr class="node" data-node="node1"><td><span>node1</span> <em>(this node)</em></td></tr>
                <tr class="node silent" data-node="node2"><td colspan="3" class="error">not answering</td></tr>
                <tr><td>no node</td></tr>
                </tbody></table>""";
        assertThat(AdminConsoleClient.parseNodes(html)).containsExactly(
                new AdminConsoleClient.Node("node1", true), new AdminConsoleClient.Node("node2", false));
    }

    @Test
    void aWrongCommandLineSaysWhatWasExpectedAndExitsWithTwo() throws Exception {
        Path accounts = Files.writeString(dir.resolve("accounts.properties"), "alice=a\nbob=b\n");
        assertThat(run("check", "--user1", "alice", "--server1", "127.0.0.1", "--user2", "bob", "--server2", "127.0.0.1:5223",
                "--accounts", accounts.toString()))
                .startsWith("Error: --server1 is '127.0.0.1', expected HOST:PORT such as 127.0.0.1:5222")
                .contains("Usage: skein check");
        assertThat(run("check", "--user1", "alice", "--server1", "127.0.0.1:5222", "--user2", "carol", "--server2", "127.0.0.1:5223",
                "--accounts", accounts.toString()))
                .startsWith("Error: --accounts: " + accounts + " has no password for 'carol'");
        assertThat(run("cluster", "--console", "ftp://x", "--user", "alice", "--accounts", accounts.toString()))
                .startsWith("Error: --console is 'ftp://x', expected a URL such as http://127.0.0.1:9090");
        assertThat(run("cluster", "--console")).startsWith("Error: --console needs a value");
        assertThatThrownBy(() -> Options.parse(new String[] {"stray"})).hasMessage("unexpected argument 'stray'");
    }

    @Test
    void aClusterViewOfAConsoleThatDoesNotAnswerFailsWithExitOne() throws Exception {
        Path accounts = Files.writeString(dir.resolve("accounts.properties"), "admin=secret\n");
        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exit = SkeinTools.run(new String[] {"cluster", "--console", "http://127.0.0.1:" + closed, "--user", "admin",
                "--accounts", accounts.toString(), "--expect", "3"}, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertThat(exit).isEqualTo(SkeinTools.FAILED);
        assertThat(bytes.toString(StandardCharsets.UTF_8))
                .contains("http://127.0.0.1:" + closed + "/").contains("no answer")
                .contains("Not one cluster of 3 answering nodes");
    }

    private static String run(String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exit = SkeinTools.run(args, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertThat(exit).isEqualTo(SkeinTools.USAGE);
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
