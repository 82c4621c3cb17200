package org.skein.admin;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A browser without a screen for console tests: cookies, no automatic redirects, the CSRF token of the last page. */
final class ConsoleClient {

    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    private final String base;
    private final HttpClient http;
    private final CookieManager cookies = new CookieManager();
    private String csrf = "";

    ConsoleClient(int port) {
        this("http://127.0.0.1:" + port, null);
    }

    /** A client of the console's HTTPS port that trusts what {@code tls} trusts. */
    static ConsoleClient https(int port, javax.net.ssl.SSLContext tls) {
        return new ConsoleClient("https://127.0.0.1:" + port, tls);
    }

    private ConsoleClient(String base, javax.net.ssl.SSLContext tls) {
        this.base = base;
        HttpClient.Builder builder = HttpClient.newBuilder().cookieHandler(cookies)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10));
        if (tls != null) {
            builder.sslContext(tls);
        }
        this.http = builder.build();
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return remember(http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString()));
    }

    HttpResponse<String> get(String path, String acceptLanguage) throws IOException, InterruptedException {
        return remember(http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Accept-Language", acceptLanguage)
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString()));
    }

    /** POSTs a form with the CSRF token of the last page. */
    HttpResponse<String> post(String path, Map<String, String> form) throws IOException, InterruptedException {
        StringJoiner body = new StringJoiner("&");
        body.add("csrf=" + enc(csrf));
        form.forEach((k, v) -> body.add(enc(k) + "=" + enc(v)));
        return postRaw(path, body.toString());
    }

    /** POSTs a form body exactly as given (no token added). */
    HttpResponse<String> postRaw(String path, String body) throws IOException, InterruptedException {
        return remember(http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()));
    }

    /** POSTs a multipart form with one file field and the CSRF token. */
    HttpResponse<String> upload(String path, String field, String fileName, byte[] content) throws IOException, InterruptedException {
        String boundary = "----skein" + UUID.randomUUID();
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n" + csrf + "\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field + "\"; filename=\"" + fileName
                + "\"\r\nContent-Type: application/java-archive\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[head.length + content.length + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        System.arraycopy(content, 0, body, head.length, content.length);
        System.arraycopy(tail, 0, body, head.length + content.length, tail.length);
        // a multipart form carries its token in the query string too: the console checks it before reading the body
        return remember(http.send(HttpRequest.newBuilder(URI.create(base + path + "?csrf=" + enc(csrf))).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString()));
    }

    /** Opens the login page and logs in; returns the login POST's response. */
    HttpResponse<String> login(String username, String password) throws IOException, InterruptedException {
        get("/login");
        return post("/login", Map.of("username", username, "password", password));
    }

    String csrf() {
        return csrf;
    }

    /** The cookies this browser holds, as a Cookie header (for requests written by hand). */
    String cookieHeader() {
        StringJoiner header = new StringJoiner("; ");
        cookies.getCookieStore().getCookies().forEach(c -> header.add(c.getName() + "=" + c.getValue()));
        return header.toString();
    }

    /** The names of the cookies this browser holds. */
    java.util.List<String> cookieNames() {
        return cookies.getCookieStore().getCookies().stream().map(java.net.HttpCookie::getName).toList();
    }

    /** POSTs a login with the token of the last page, without waiting for the answer. */
    java.util.concurrent.CompletableFuture<HttpResponse<String>> loginAsync(String username, String password) {
        String body = "csrf=" + enc(csrf) + "&username=" + enc(username) + "&password=" + enc(password);
        return http.sendAsync(HttpRequest.newBuilder(URI.create(base + "/login")).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> remember(HttpResponse<String> response) {
        Matcher m = CSRF.matcher(response.body());
        if (m.find()) {
            csrf = m.group(1);
        }
        return response;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
