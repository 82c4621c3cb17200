package org.skein.tools;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the cluster's nodes from one node's admin console, as an admin's browser would: log in
 * (with the login form's CSRF token), then fetch the clustering page's node table
 * ({@code /clustering/nodes}). The session cookie is kept between reads.
 */
final class AdminConsoleClient {

    private static final Pattern CSRF = Pattern.compile("name=\"csrf\"\\s+value=\"([^\"]+)\"");
    private static final Pattern ROW = Pattern.compile("<tr\\b([^>]*)>");
    private static final Pattern NODE = Pattern.compile("\\bdata-node=\"([^\"]+)\"");
    private static final Pattern CLASS = Pattern.compile("\\bclass=\"([^\"]*)\"");

    private final URI base;
    private final String user;
    private final String password;
    private final HttpClient http;

    AdminConsoleClient(URI base, String user, String password, Duration timeout) {
        this.base = base;
        this.user = user;
        this.password = password;
        this.http = HttpClient.newBuilder()
                .cookieHandler(new CookieManager())
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    URI base() {
        return base;
    }

    /** A node as the console lists it: its id, and whether it answered the console's status request. */
    record Node(String id, boolean answering) {
        @Override
        public String toString() {
            return answering ? id : id + " (not answering)";
        }
    }

    /**
     * The nodes the console shows, logging in first when needed.
     *
     * @throws IOException if the console cannot be reached or refuses the login
     */
    List<Node> nodes() throws IOException, InterruptedException {
        HttpResponse<String> page = get("/clustering/nodes");
        if (page.statusCode() == 302) {
            login();
            page = get("/clustering/nodes");
        }
        if (page.statusCode() != 200) {
            throw new IOException(base + "/clustering/nodes answered HTTP " + page.statusCode());
        }
        return parseNodes(page.body());
    }

    static List<Node> parseNodes(String html) {
        List<Node> nodes = new ArrayList<>();
        Matcher row = ROW.matcher(html);
        while (row.find()) {
            Matcher node = NODE.matcher(row.group(1));
            if (node.find()) {
                Matcher css = CLASS.matcher(row.group(1));
                boolean silent = css.find() && List.of(css.group(1).split("\\s+")).contains("silent");
                nodes.add(new Node(node.group(1), !silent));
            }
        }
        return nodes;
    }

    private void login() throws IOException, InterruptedException {
        HttpResponse<String> form = get("/login");
        Matcher csrf = CSRF.matcher(form.body());
        if (form.statusCode() != 200 || !csrf.find()) {
            throw new IOException(base + "/login did not show the login form (HTTP " + form.statusCode() + ")");
        }
        if (form.body().contains("id=\"no-admin\"")) {
            // the first node has not created the admin account yet: a login now would only count as a failure
            throw new IOException(base + " has no admin account yet");
        }
        String body = "csrf=" + encode(csrf.group(1)) + "&username=" + encode(user) + "&password=" + encode(password);
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(base.resolve("/login"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 302) {
            throw new IOException(base + " refused the login of '" + user + "' (HTTP " + answer.statusCode() + ")");
        }
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
