package org.skein.net.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of a WebSocket port, before the upgrade: answers XEP-0156 host-meta (with CORS, so a
 * web page on another origin may read it), refuses what is not an XMPP WebSocket upgrade with a status
 * and a sentence that says why (unknown path 404, another method 405, no upgrade 426, an origin not
 * allowed 403, no {@code xmpp} subprotocol 400, a malformed request 400), and hands the upgrade request
 * on to Netty's handshake. Every answered request closes its connection. One per connection.
 */
final class HttpRequests extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(HttpRequests.class);
    static final String SUBPROTOCOL = "xmpp";

    private final WebSocketSettings settings;
    private final boolean tlsEndpoint;
    private final String domain;

    /**
     * @param tlsEndpoint whether this port speaks TLS ({@code wss://})
     * @param domain the XMPP domain, the host of the announced address when a request names none
     */
    HttpRequests(WebSocketSettings settings, boolean tlsEndpoint, String domain) {
        this.settings = settings;
        this.tlsEndpoint = tlsEndpoint;
        this.domain = domain;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest)) {
            ctx.fireChannelRead(msg);
            return;
        }
        FullHttpRequest request = (FullHttpRequest) msg;
        boolean forwarded = false;
        try {
            forwarded = handle(ctx, request);
        } finally {
            if (!forwarded) {
                request.release();
            }
        }
    }

    /** Answers the request, or returns true after passing it on to the handshake. */
    private boolean handle(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (request.decoderResult().isFailure()) {
            respond(ctx, request, HttpResponseStatus.BAD_REQUEST, "This is not a well-formed HTTP request.\n");
            return false;
        }
        String path;
        try {
            path = new QueryStringDecoder(request.uri()).path();
        } catch (IllegalArgumentException e) {
            respond(ctx, request, HttpResponseStatus.BAD_REQUEST, "The request's path cannot be read.\n");
            return false;
        }
        if (path.equals(HostMeta.XML_PATH) || path.equals(HostMeta.JSON_PATH)) {
            hostMeta(ctx, request, path.equals(HostMeta.JSON_PATH));
            return false;
        }
        if (!path.equals(settings.path())) {
            respond(ctx, request, HttpResponseStatus.NOT_FOUND, "Not found. XMPP over WebSocket is at " + settings.path()
                    + ", and XEP-0156 discovery at " + HostMeta.XML_PATH + ".\n");
            return false;
        }
        HttpHeaders headers = request.headers();
        if (!HttpMethod.GET.equals(request.method())) {
            FullHttpResponse response = response(request, HttpResponseStatus.METHOD_NOT_ALLOWED,
                    "Only GET, with a WebSocket upgrade, is served here.\n");
            response.headers().set(HttpHeaderNames.ALLOW, "GET");
            send(ctx, response);
            return false;
        }
        if (!headers.containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
                || !headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)) {
            FullHttpResponse response = response(request, HttpResponseStatus.UPGRADE_REQUIRED,
                    "This is an XMPP over WebSocket endpoint (RFC 7395): connect with a WebSocket client and the subprotocol 'xmpp'.\n");
            response.headers().set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
            send(ctx, response);
            return false;
        }
        String origin = headers.get(HttpHeaderNames.ORIGIN);
        if (!settings.allowsOrigin(origin)) {
            LOG.info("Refused a WebSocket connection from {}: origin '{}' is not in {}", ctx.channel().remoteAddress(), origin,
                    WebSocketSettings.ORIGINS_KEY);
            respond(ctx, request, HttpResponseStatus.FORBIDDEN, "Web pages from " + origin + " may not connect to this server.\n");
            return false;
        }
        if (!requestsXmpp(headers)) {
            respond(ctx, request, HttpResponseStatus.BAD_REQUEST,
                    "The WebSocket subprotocol 'xmpp' (RFC 7395) is required: send Sec-WebSocket-Protocol: xmpp.\n");
            return false;
        }
        ctx.fireChannelRead(request);
        return true;
    }

    private static boolean requestsXmpp(HttpHeaders headers) {
        for (String value : headers.getAll(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL)) {
            for (String token : value.split(",")) {
                if (token.trim().equals(SUBPROTOCOL)) {
                    return true;
                }
            }
        }
        return false;
    }

    private void hostMeta(ChannelHandlerContext ctx, FullHttpRequest request, boolean json) {
        HttpMethod method = request.method();
        FullHttpResponse response;
        if (HttpMethod.OPTIONS.equals(method)) {
            response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT);
            response.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "GET, HEAD, OPTIONS")
                    .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, "Accept")
                    .set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, "86400");
        } else if (HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method)) {
            String url = announcedUrl(request.headers());
            String body = json ? HostMeta.json(url) : HostMeta.xml(url);
            ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
            response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    HttpMethod.HEAD.equals(method) ? Unpooled.EMPTY_BUFFER : content);
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, json ? HostMeta.JSON_TYPE : HostMeta.XML_TYPE)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes())
                    .set(HttpHeaderNames.CACHE_CONTROL, "max-age=300");
            if (HttpMethod.HEAD.equals(method)) {
                content.release();
            }
        } else {
            response = response(request, HttpResponseStatus.METHOD_NOT_ALLOWED, "Only GET is served here.\n");
            response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD, OPTIONS");
        }
        response.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
        send(ctx, response);
    }

    /** The WebSocket address host-meta announces: the configured one, or this endpoint as the client reached it. */
    String announcedUrl(HttpHeaders headers) {
        if (!settings.publicUrl().isEmpty()) {
            return settings.publicUrl();
        }
        boolean secure = tlsEndpoint || (settings.trustProxyHeaders()
                && "https".equalsIgnoreCase(firstToken(headers.get("X-Forwarded-Proto"))));
        String host = headers.get(HttpHeaderNames.HOST);
        if (host == null || host.length() > 255 || !host.matches("[A-Za-z0-9.\\-:\\[\\]]+")) {
            host = domain;
        }
        return (secure ? "wss://" : "ws://") + host.toLowerCase(Locale.ROOT) + settings.path();
    }

    private static String firstToken(String value) {
        if (value == null) {
            return "";
        }
        int comma = value.indexOf(',');
        return (comma < 0 ? value : value.substring(0, comma)).trim();
    }

    private static void respond(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status, String text) {
        send(ctx, response(request, status, text));
    }

    private static FullHttpResponse response(FullHttpRequest request, HttpResponseStatus status, String text) {
        ByteBuf content = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                HttpMethod.HEAD.equals(request.method()) ? Unpooled.EMPTY_BUFFER : content);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
        if (HttpMethod.HEAD.equals(request.method())) {
            content.release();
        }
        return response;
    }

    private static void send(ChannelHandlerContext ctx, FullHttpResponse response) {
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
