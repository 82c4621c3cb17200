package org.skein.net.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The HTTP side of a WebSocket port on an embedded channel: host-meta, and the refusals with their reasons. */
class HttpRequestsTest {

    private static WebSocketSettings settings(Set<String> origins, String url, boolean trust) {
        return new WebSocketSettings(true, "127.0.0.1", 0, 0, "/xmpp-websocket", origins, url, trust, Duration.ofSeconds(10));
    }

    private static FullHttpRequest request(HttpMethod method, String uri, String... headers) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri);
        for (int i = 0; i < headers.length; i += 2) {
            request.headers().add(headers[i], headers[i + 1]);
        }
        return request;
    }

    private static FullHttpRequest upgrade(String... more) {
        FullHttpRequest request = request(HttpMethod.GET, "/xmpp-websocket", "Host", "chat.example.org", "Upgrade", "websocket",
                "Connection", "keep-alive, Upgrade", "Sec-WebSocket-Version", "13", "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
        for (int i = 0; i < more.length; i += 2) {
            request.headers().add(more[i], more[i + 1]);
        }
        return request;
    }

    private record Answer(int status, String body, FullHttpResponse response, boolean closed) {
        String header(String name) {
            return response.headers().get(name);
        }
    }

    private static Answer answer(HttpRequests handler, FullHttpRequest request) {
        EmbeddedChannel channel = new EmbeddedChannel(handler);
        channel.writeInbound(request);
        FullHttpResponse response = channel.readOutbound();
        Answer answer = new Answer(response.status().code(), response.content().toString(StandardCharsets.UTF_8), response, !channel.isOpen());
        response.release();
        channel.finishAndReleaseAll();
        return answer;
    }

    private static HttpRequests plain() {
        return new HttpRequests(settings(Set.of(), "", false), false, "example.org");
    }

    @Test
    void hostMetaPointsAtTheEndpointAsTheClientReachedIt() {
        Answer xml = answer(plain(), request(HttpMethod.GET, "/.well-known/host-meta", "Host", "chat.example.org:5280"));
        assertThat(xml.status()).isEqualTo(200);
        assertThat(xml.header("Content-Type")).startsWith("application/xrd+xml");
        assertThat(xml.header("Access-Control-Allow-Origin")).isEqualTo("*");
        assertThat(xml.body()).contains("<XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'>")
                .contains("<Link rel='urn:xmpp:alt-connections:websocket' href='ws://chat.example.org:5280/xmpp-websocket'/>");
        assertThat(xml.closed()).isTrue();

        Answer json = answer(new HttpRequests(settings(Set.of(), "", false), true, "example.org"),
                request(HttpMethod.GET, "/.well-known/host-meta.json?x=1", "Host", "chat.example.org"));
        assertThat(json.status()).isEqualTo(200);
        assertThat(json.header("Content-Type")).isEqualTo("application/json");
        assertThat(json.body()).isEqualTo(
                "{\"links\":[{\"rel\":\"urn:xmpp:alt-connections:websocket\",\"href\":\"wss://chat.example.org/xmpp-websocket\"}]}\n");
    }

    @Test
    void hostMetaAnnouncesTheConfiguredAddressOrTheProxysScheme() {
        Answer configured = answer(new HttpRequests(settings(Set.of(), "wss://xmpp.example.org/ws", false), false, "example.org"),
                request(HttpMethod.GET, "/.well-known/host-meta", "Host", "10.0.0.5:5280"));
        assertThat(configured.body()).contains("href='wss://xmpp.example.org/ws'");

        Answer proxied = answer(new HttpRequests(settings(Set.of(), "", true), false, "example.org"),
                request(HttpMethod.GET, "/.well-known/host-meta", "Host", "example.org", "X-Forwarded-Proto", "https"));
        assertThat(proxied.body()).contains("href='wss://example.org/xmpp-websocket'");

        Answer untrusted = answer(plain(), request(HttpMethod.GET, "/.well-known/host-meta", "Host", "example.org", "X-Forwarded-Proto", "https"));
        assertThat(untrusted.body()).contains("href='ws://example.org/xmpp-websocket'");

        Answer badHost = answer(plain(), request(HttpMethod.GET, "/.well-known/host-meta", "Host", "a'><script>"));
        assertThat(badHost.body()).contains("href='ws://example.org/xmpp-websocket'");
    }

    @Test
    void corsPreflightIsAnswered() {
        Answer options = answer(plain(), request(HttpMethod.OPTIONS, "/.well-known/host-meta", "Origin", "https://web.example"));
        assertThat(options.status()).isEqualTo(204);
        assertThat(options.header("Access-Control-Allow-Origin")).isEqualTo("*");
        assertThat(options.header("Access-Control-Allow-Methods")).contains("GET");
    }

    @Test
    void whatIsNotAnXmppUpgradeIsRefusedWithAReason() {
        Answer notFound = answer(plain(), request(HttpMethod.GET, "/index.html"));
        assertThat(notFound.status()).isEqualTo(404);
        assertThat(notFound.body()).contains("/xmpp-websocket");
        assertThat(notFound.closed()).isTrue();

        assertThat(answer(plain(), request(HttpMethod.POST, "/xmpp-websocket")).status()).isEqualTo(405);

        Answer noUpgrade = answer(plain(), request(HttpMethod.GET, "/xmpp-websocket"));
        assertThat(noUpgrade.status()).isEqualTo(426);
        assertThat(noUpgrade.header("Upgrade")).isEqualTo("websocket");

        Answer noSubprotocol = answer(plain(), upgrade());
        assertThat(noSubprotocol.status()).isEqualTo(400);
        assertThat(noSubprotocol.body()).contains("'xmpp'");

        Answer otherSubprotocol = answer(plain(), upgrade("Sec-WebSocket-Protocol", "mqtt, wamp"));
        assertThat(otherSubprotocol.status()).isEqualTo(400);

        HttpRequests strict = new HttpRequests(settings(Set.of("https://chat.example.org"), "", false), false, "example.org");
        Answer foreign = answer(strict, upgrade("Sec-WebSocket-Protocol", "xmpp", "Origin", "https://evil.example"));
        assertThat(foreign.status()).isEqualTo(403);
        assertThat(foreign.body()).contains("https://evil.example");
    }

    @Test
    void anXmppUpgradeGoesOnToTheHandshake() {
        HttpRequests strict = new HttpRequests(settings(Set.of("https://chat.example.org"), "", false), false, "example.org");
        for (FullHttpRequest request : new FullHttpRequest[] {
                upgrade("Sec-WebSocket-Protocol", "xmpp", "Origin", "https://Chat.Example.org"),
                upgrade("Sec-WebSocket-Protocol", "wamp, xmpp"),  // no Origin: not a browser
        }) {
            EmbeddedChannel channel = new EmbeddedChannel(strict);
            channel.writeInbound(request);
            FullHttpRequest passed = channel.readInbound();
            assertThat(passed).isSameAs(request);
            assertThat((Object) channel.readOutbound()).isNull();
            passed.release();
            channel.finishAndReleaseAll();
            strict = new HttpRequests(settings(Set.of("https://chat.example.org"), "", false), false, "example.org");
        }
    }
}
