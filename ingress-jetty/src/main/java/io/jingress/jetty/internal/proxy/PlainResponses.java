package io.jingress.jetty.internal.proxy;

import io.jingress.core.route.Backend;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The responses the proxy makes itself: a status and one short line of plain text, never a stack
 * trace or an HTML error page. Bodies are encoded once, up front. Over TLS they carry the
 * exchange's {@code Strict-Transport-Security}, as the endpoints' answers do; on a route with CORS,
 * its {@code Access-Control-*} headers ({@link PolicyCors}); on a route with {@code custom-headers},
 * those ({@link PolicyResponseHeaders}).
 */
final class PlainResponses {
    static final Body BAD_REQUEST = new Body(HttpStatus.BAD_REQUEST_400, "400 Bad Request: the request path cannot be routed safely\n");
    static final Body ENCODED_SLASH = new Body(HttpStatus.BAD_REQUEST_400,
            "400 Bad Request: the path's encoded slash (%2F) would choose another route if decoded\n");
    static final Body BAD_METHOD = new Body(HttpStatus.BAD_REQUEST_400, "400 Bad Request: the request method is not a token\n");
    static final Body BAD_QUERY = new Body(HttpStatus.BAD_REQUEST_400,
            "400 Bad Request: the query is not UTF-8; percent-encode its bytes\n");
    static final Body BAD_REQUEST_BODY = new Body(HttpStatus.BAD_REQUEST_400, "400 Bad Request: the request body's framing is malformed\n");
    static final Body HTTP_1_0_TRANSFER_ENCODING = new Body(HttpStatus.BAD_REQUEST_400,
            "400 Bad Request: Transfer-Encoding in an HTTP/1.0 request\n");
    static final Body REQUEST_TIMEOUT = new Body(HttpStatus.REQUEST_TIMEOUT_408,
            "408 Request Timeout: the request body did not arrive in time\n");
    static final Body CONTENT_TOO_LARGE = new Body(HttpStatus.PAYLOAD_TOO_LARGE_413,
            "413 Content Too Large: the request body is larger than this route takes\n");
    static final Body NOT_FOUND = new Body(HttpStatus.NOT_FOUND_404, "404 Not Found: no route for this host and path\n");
    // block-cidrs, block-user-agents, block-referers: the client is not told which
    static final Body BLOCKED = new Body(HttpStatus.FORBIDDEN_403, "403 Forbidden\n");
    static final Body REGEX_FAILED = new Body(HttpStatus.INTERNAL_SERVER_ERROR_500,
            "500 Internal Server Error: a path regex of this host could not be run on this path\n");
    static final Body METHOD_NOT_ALLOWED = new Body(HttpStatus.METHOD_NOT_ALLOWED_405, "405 Method Not Allowed: CONNECT is not supported\n");
    static final Body TRACE_NOT_ALLOWED = new Body(HttpStatus.METHOD_NOT_ALLOWED_405, "405 Method Not Allowed: TRACE is not supported\n");
    static final Body BAD_GATEWAY = new Body(HttpStatus.BAD_GATEWAY_502, "502 Bad Gateway: the upstream endpoint could not be reached\n");
    static final Body UPSTREAM_CLOSED = new Body(HttpStatus.BAD_GATEWAY_502,
            "502 Bad Gateway: the upstream endpoint closed the connection before its answer was complete\n");
    static final Body BAD_ANSWER = new Body(HttpStatus.BAD_GATEWAY_502,
            "502 Bad Gateway: the upstream endpoint's answer is not HTTP/1.1 that can be read\n");
    static final Body NOT_A_GRPC_ROUTE = new Body(HttpStatus.BAD_GATEWAY_502,
            "502 Bad Gateway: the upstream endpoint's answer is not HTTP/1.1 that can be read, and this is a gRPC call:"
                    + " a gRPC server speaks HTTP/2 only; does the route's Ingress need the annotation"
                    + " nginx.ingress.kubernetes.io/backend-protocol: GRPC (or GRPCS)?\n");
    static final Body SERVICE_UNAVAILABLE = new Body(HttpStatus.SERVICE_UNAVAILABLE_503, "503 Service Unavailable: no ready endpoint for this route\n");
    static final Body SERVICE_NOT_FOUND = new Body(HttpStatus.SERVICE_UNAVAILABLE_503, "503 Service Unavailable: the route's Service does not exist\n");
    static final Body PORT_NOT_FOUND = new Body(HttpStatus.SERVICE_UNAVAILABLE_503, "503 Service Unavailable: the route's Service has no such port\n");
    static final Body UNSUPPORTED_BACKEND = new Body(HttpStatus.SERVICE_UNAVAILABLE_503, "503 Service Unavailable: the route's backend is not a Service\n");
    static final Body INVALID_BACKEND = new Body(HttpStatus.INTERNAL_SERVER_ERROR_500,
            "500 Internal Server Error: the route's backendRef is not valid\n");
    // a GRPCRoute's: the Gateway API asks UNAVAILABLE, which gRPC clients read in a 503
    static final Body INVALID_GRPC_BACKEND = new Body(HttpStatus.SERVICE_UNAVAILABLE_503,
            "503 Service Unavailable: the route's backendRef is not valid\n");
    static final Body GATEWAY_TIMEOUT = new Body(HttpStatus.GATEWAY_TIMEOUT_504, "504 Gateway Timeout: the upstream endpoint did not answer in time\n");
    static final Body NOT_IMPLEMENTED = new Body(HttpStatus.NOT_IMPLEMENTED_501, "501 Not Implemented: a transfer coding other than chunked\n");
    static final Body PERMANENT_REDIRECT = new Body(HttpStatus.PERMANENT_REDIRECT_308, "308 Permanent Redirect\n");
    private static final Body MOVED_PERMANENTLY = new Body(HttpStatus.MOVED_PERMANENTLY_301, "301 Moved Permanently\n");
    private static final Body FOUND = new Body(HttpStatus.FOUND_302, "302 Found\n");
    private static final Body TEMPORARY_REDIRECT = new Body(HttpStatus.TEMPORARY_REDIRECT_307, "307 Temporary Redirect\n");

    private static final HttpField TEXT_PLAIN = new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");

    private PlainResponses() {
    }

    /** One pre-encoded response: status, Content-Length and body. */
    record Body(int status, byte[] bytes, HttpField contentLength) {
        Body(int status, String text) {
            this(status, text.getBytes(StandardCharsets.UTF_8), null);
        }

        Body {
            contentLength = new PreEncodedHttpField(HttpHeader.CONTENT_LENGTH, Integer.toString(bytes.length));
        }
    }

    /**
     * The 503 for a route whose backend has no endpoint to give: which hop is broken, as the
     * backend's status says, in words that name no object (those are on the admin port's /routes).
     * A backendRef that is not valid gets 500 (the Gateway API's answer for an HTTPRoute), or for a
     * GRPCRoute ({@code grpc}) 503, which gRPC clients read as {@code UNAVAILABLE}, the status the
     * Gateway API asks of it.
     */
    static Body unavailable(Backend.Status status, boolean grpc) {
        if (status == Backend.Status.INVALID_REFERENCE && grpc) {
            return INVALID_GRPC_BACKEND;
        }
        return switch (status) {
            case SERVICE_NOT_FOUND -> SERVICE_NOT_FOUND;
            case PORT_NOT_FOUND -> PORT_NOT_FOUND;
            case UNSUPPORTED -> UNSUPPORTED_BACKEND;
            case INVALID_REFERENCE -> INVALID_BACKEND;
            case READY, NO_READY_ENDPOINTS -> SERVICE_UNAVAILABLE;  // ready, yet every endpoint ejected: none ready now
        };
    }

    /** Writes {@code body} on a response nothing was written to yet, completing {@code exchange}. */
    static void write(Response response, Exchange exchange, Body body) {
        write(response, exchange, body, exchange.strictTransportSecurity);
    }

    /**
     * Writes {@code body} on a response nothing was written to yet, with {@code strictTransportSecurity}
     * when not null (see {@link Exchange#strictTransportSecurity}).
     */
    static void write(Response response, Callback callback, Body body, HttpField strictTransportSecurity) {
        if (strictTransportSecurity != null) {
            response.getHeaders().put(strictTransportSecurity);
        }
        send(response, callback, body);
    }

    /**
     * Writes a redirect to {@code location} with {@code status} (301, 302, 307 or 308, the controller
     * ConfigMap's {@code http-redirect-code}): over plain HTTP only, so without
     * {@code Strict-Transport-Security}.
     */
    static void redirect(Response response, Callback callback, String location, int status) {
        response.reset();
        response.getHeaders().put(HttpHeader.LOCATION, location);
        send(response, callback, switch (status) {
            case 301 -> MOVED_PERMANENTLY;
            case 302 -> FOUND;
            case 307 -> TEMPORARY_REDIRECT;
            default -> PERMANENT_REDIRECT;
        });
    }

    private static void send(Response response, Callback callback, Body body) {
        // the exchange answered: the callback, or the one whose body is dropped after the answer
        Exchange exchange = callback instanceof Exchange e ? e : callback instanceof BodyDiscard discard ? discard.exchange() : null;
        if (exchange != null) {
            if (exchange.cors != null) {
                // a route's CORS headers go on the proxy's own answers too, as ingress-nginx's more_set_headers
                exchange.cors.addTo(response.getHeaders(), exchange.corsOrigin);
            }
            if (exchange.authCookies != null) {
                ExternalAuthCheck.addCookies(exchange, body.status(), response.getHeaders());
            }
            if (exchange.responseHeaders != null) {
                exchange.responseHeaders.putOn(response.getHeaders());  // custom-headers: more_set_headers without -s
            }
        }
        response.setStatus(body.status());
        response.getHeaders().put(TEXT_PLAIN);
        response.getHeaders().put(body.contentLength());
        if (body.status() == HttpStatus.NOT_IMPLEMENTED_501 || body == HTTP_1_0_TRANSFER_ENCODING || body == REQUEST_TIMEOUT
                || body == CONTENT_TOO_LARGE) {
            // the body was not read (or its framing is faulty, RFC 9112 section 6.1, or it stopped
            // part way, or it is too large: nginx closes after its 413 too): whatever follows on
            // the connection cannot be trusted as a request
            response.getHeaders().put(HttpFields.CONNECTION_CLOSE);
        }
        if (body.status() == HttpStatus.METHOD_NOT_ALLOWED_405) {
            // No Allow: it would list the target's methods, which only its endpoint knows; the
            // proxy forwards every method but these two, which no finite list says (nginx sends
            // none either).
            // After CONNECT a client may already be sending tunnel bytes (and a TRACE, against the
            // rules, a body): never read them as HTTP.
            response.getHeaders().put(HttpFields.CONNECTION_CLOSE);
        }
        response.write(true, ByteBuffer.wrap(body.bytes()), callback);
    }
}
