package io.jingress.jetty.internal.proxy;

import io.jingress.core.lb.Endpoint;
import io.jingress.core.lb.PickContext;
import io.jingress.core.route.Backend;
import io.jingress.core.route.CookieRewrite;
import io.jingress.core.route.FallbackBackend;
import io.jingress.core.route.ProxyRedirect;
import io.jingress.core.route.Route;
import io.jingress.jetty.internal.http1.LeanExchanges;
import io.jingress.jetty.internal.http1.RemoteAddressText;

import java.util.concurrent.TimeoutException;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Everything one client request needs while it is proxied, in one object: it is the request
 * ({@link Request.Wrapper}, so every {@code ProxyHandler} callback hands it back to us without an
 * attribute lookup), the balancer's view of it ({@link PickContext}) and the completion callback
 * towards the client ({@link Callback}, so the end of every request, whatever its outcome, passes
 * through {@link #succeeded()} or {@link #failed(Throwable)} once).
 */
final class Exchange extends Request.Wrapper implements PickContext, Callback, Runnable {
    /** nginx's status for a request whose client closed the connection before the answer. */
    static final int CLIENT_CLOSED_REQUEST = 499;

    private final Response proxyToClientResponse;
    private final Callback proxyToClientCallback;
    private final ExchangeListener listener;

    Route route;
    /** The served table's settings of the whole proxy (header names, statuses) when the request came. */
    io.jingress.core.route.ServerSettings serverSettings = io.jingress.core.route.ServerSettings.DEFAULTS;
    /** The backend the request goes to: the route's, or its canary's; null until chosen. */
    Backend backend;
    /** The normalised path and the original query: what the backend receives. */
    String pathAndQuery;
    /** For a route with {@code mirror-target}: the path and query the client asked, before a rewrite; else null. */
    String mirrorUri;
    String requestId;
    Endpoint endpoint;
    /** What {@code endpoint.onStart()} returned, on the balancers' clock. */
    long upstreamStart;
    /** When the current try began, on {@link System#nanoTime()}, for the access log and metrics. */
    long tryStartNanos;
    /** Whether {@code endpoint.onStart()} was called for the current try and onEnd not yet. */
    boolean upstreamOpen;
    /** Summed over every try; -1 while no upstream exchange happened. */
    long upstreamNanos = -1;
    int tries;
    /**
     * Whether the server keeps a request log: only then are the request attributes it reads set,
     * since Jetty keeps them in a map allocated per request.
     */
    boolean logged;
    /** Set once the first chunk of the client's body was handed upstream: from then on, no retry. */
    boolean bodyConsumed;
    /**
     * Set once the last chunk of the client's body was handed upstream (streamed bodies, see
     * RoutingProxy). Written by the thread that sends upstream, read by the one that receives.
     */
    volatile boolean bodyEnded;
    /**
     * Set once the upstream's whole answer has arrived: an upload failing after it is not the
     * client's failure, and over HTTP/2 the rest of the body is not sent (see RoutingProxy).
     * Written on the upstream connection's thread, read on the one that fails the upload.
     */
    volatile boolean answered;
    /**
     * The request's body, read whole before it went upstream (see UpstreamForwarder), sent whole by
     * every try and never written to (it may be the lean connection's array); null: none.
     */
    byte[] body;
    /**
     * The most body bytes a streamed body of unknown length may have (see {@link RequestBodyLimit});
     * 0: not counted.
     */
    long bodyLimit;
    /** The body bytes handed upstream so far, counted only when {@link #bodyLimit} is set. */
    long bodyBytes;
    /** A chunk read to look at and handed back: {@link #read()} gives it first. */
    private Content.Chunk unread;
    /**
     * The client's headers with a {@code Transfer-Encoding: chunked} added (see
     * {@link #announceFramedBody}) or {@code Expect} removed (see {@link #meetExpectation}) or the
     * auth service's headers put in (see {@link #sendHeaders}), or null.
     */
    private HttpFields announced;
    /**
     * Why the client gave up on this request: it closed its connection, reset its stream, or its
     * body stopped coming (a {@link TimeoutException}); null while it has not. Set by the thread
     * that noticed, read by the upstream's.
     */
    private volatile Throwable clientFailure;
    /** How to stop the upstream try under way, or null before the first. */
    private volatile UpstreamAbort upstreamAbort;
    /** The route's timeouts on this request ({@link RouteTimeouts}); null when it has none. */
    RouteTimeouts timeouts;
    /** Whether the last upstream try was ended because the client gave up (see {@link RoutingProxy#cancelUpstream}). */
    boolean upstreamCancelled;
    /** Whether a stale pooled connection was already replaced by a new one for this request. */
    boolean staleRetried;
    /** The {@code grpc-status} of the endpoint's answer to a gRPC call (trailers, or a trailers-only head); -1: none seen. */
    int grpcStatus = -1;
    /** A gRPC call's body as sent, kept to send it again when its stream went unprocessed ({@link GrpcUpstream.Replay}); null: none. */
    GrpcUpstream.Replay grpcReplay;
    /** Whether the route's {@code proxy-next-upstream} names a status: then an answer's head is looked at (see {@link NextUpstream}). */
    boolean statusRetries;
    private Endpoint[] tried;
    /** The client's address, the connection's peer's until a trusted proxy names another (see {@link TrustedForwarding}); null until asked. */
    String clientAddress;
    /**
     * Set only when the connection's peer is a trusted proxy (see {@link TrustedForwarding}): the
     * {@code X-Forwarded-For} to send upstream, else null.
     */
    String trustedForwardedFor;
    /** The scheme a trusted proxy says the client used: 0 none said (the connection's), 1 http, 2 https. */
    byte forwardedScheme;
    /** The client certificate verdict sent upstream ({@link ClientCertificateCheck}); null: the host has no auth-tls. */
    ClientCertificateHeaders clientCertificate;
    /** The limit-connections counts this request is in progress in, until it ends (see {@link ClientLimitCheck#release}). */
    ClientLimits heldLimits;
    String affinityCookie;
    /**
     * The {@code Strict-Transport-Security} field for the answer, endpoint's or proxy's: set when
     * the client's connection is TLS and the header is on, else null.
     */
    HttpField strictTransportSecurity;
    /**
     * The route's CORS header fields when its Ingress asks for CORS (see {@link PolicyCors}), else
     * null; with {@link #corsOrigin}, the request's {@code Origin} when it is one the route allows.
     */
    PolicyCors.Fields cors;
    String corsOrigin;
    /** The route's rewrite of the endpoint's {@code Location} ({@code proxy-redirect-from/-to}), else null. */
    ProxyRedirect proxyRedirect;
    /** The route's rewrite of the endpoint's {@code Set-Cookie} ({@code proxy-cookie-domain/-path}), else null. */
    CookieRewrite cookieRewrite;
    /** The headers the route's {@code custom-headers} sets on every answer ({@link PolicyResponseHeaders}), else null. */
    PolicyResponseHeaders.Fields responseHeaders;
    /** An HTTPRoute's ResponseHeaderModifier, applied to the endpoint's answer (GatewayFilters); null: none. */
    io.jingress.core.model.HttpRouteFilter.HeaderModifier gatewayResponseHeaders;
    /** The ResponseHeaderModifier of the HTTPRoute backendRef the request went to, applied after the rule's; null: none. */
    io.jingress.core.model.HttpRouteFilter.HeaderModifier backendResponseHeaders;
    /**
     * The {@code Set-Cookie} values of the auth service's answer ({@code auth-url}), which go on the
     * client's answer (see {@link ExternalAuthCheck#addCookies}); null: none.
     */
    String[] authCookies;
    /** Whether {@link #authCookies} go on every answer ({@code auth-always-set-cookie}), not only on a success or redirect. */
    boolean authCookiesAlways;
    /** The default backend whose error pages replace some of the endpoint's answers ({@code custom-http-errors}), else null. */
    FallbackBackend errorPages;
    /** The status of the endpoint's answer being replaced by an error page ({@link ErrorPages}); 0: none. */
    int interceptedStatus;
    /** On an error page's own exchange: the status it replaces, answered when it cannot be had; else 0. */
    int errorPageFor;

    Exchange(Request clientToProxyRequest, Response proxyToClientResponse, Callback proxyToClientCallback,
            ExchangeListener listener) {
        super(clientToProxyRequest);
        this.proxyToClientResponse = proxyToClientResponse;
        this.proxyToClientCallback = proxyToClientCallback;
        this.listener = listener;
    }

    Response proxyToClientResponse() {
        return proxyToClientResponse;
    }

    /** The client's response paced by {@code limit-rate} ({@link AnswerPacer}); null: not paced. */
    Response pacedResponse;

    /** The client's response compressing the answer ({@link CompressedAnswer}, use-gzip); null: not compressed. */
    Response compressedResponse;

    /**
     * What the endpoint's answer is written to: the client's response, paced when the route asks,
     * compressed (before the pacing, which counts the bytes sent) when the controller ConfigMap asks.
     */
    Response answerResponse() {
        return compressedResponse != null ? compressedResponse : pacedResponse == null ? proxyToClientResponse : pacedResponse;
    }

    /**
     * Before Jetty's {@code ProxyHandler} takes the request: a body that HTTP/2 (or HTTP/3) frames
     * without a {@code Content-Length} is made visible to it. ProxyHandler forwards a body only
     * when the length is known or a {@code Transfer-Encoding} is present, which HTTP/2 forbids, so
     * such a body was dropped and the endpoint got an empty request. A request whose stream ended
     * with its headers has no body, and its content is at its end already; any other gets a
     * {@code Transfer-Encoding: chunked} among its headers, which the proxy does not copy upstream
     * (hop-by-hop), so ProxyHandler streams the body. The chunk read to tell is handed back.
     */
    void announceFramedBody() {
        HttpFields headers = getHeaders();  // with the headers sendHeaders put in, if any
        if (getConnectionMetaData().getHttpVersion().getVersion() < 20 || headers.contains(HttpHeader.CONTENT_LENGTH)
                || headers.contains(HttpHeader.TRANSFER_ENCODING)) {
            return;
        }
        Content.Chunk chunk = super.read();
        if (chunk != null && chunk.isLast() && !chunk.hasRemaining() && !Content.Chunk.isFailure(chunk)) {
            chunk.release();
            return;
        }
        unread = chunk;
        announced = HttpFields.build(headers).add(HttpHeader.TRANSFER_ENCODING, "chunked").asImmutable();
    }

    /**
     * Before Jetty's {@code ProxyHandler} takes the request: an {@code Expect: 100-continue} is met
     * by the client's connection, which sends its 100 Continue when the body is first read (as the
     * body is streamed upstream), and is not passed on. ProxyHandler would forward it and hold the
     * body until the endpoint sent a 100 itself, which an HTTP/1.0 server never does; nginx does
     * not pass it on either.
     */
    void meetExpectation() {
        HttpFields headers = getHeaders();
        if (headers.contains(HttpHeader.EXPECT)) {
            announced = HttpFields.build(headers).remove(HttpHeader.EXPECT).asImmutable();
        }
    }

    /**
     * The headers sent upstream from now on, in place of the client's, which are untouched: the
     * client's with {@code auth-response-headers} taken from the auth service's answer
     * ({@link ExternalAuthCheck}), or with the default backend's {@code X-Code} and the rest
     * ({@link DefaultBackendFallback}). Every way upstream (the own connections, Jetty's client,
     * the upgrade tunnel) copies {@link #getHeaders()}.
     */
    void sendHeaders(HttpFields headers) {
        announced = headers.asImmutable();
    }

    @Override
    public HttpFields getHeaders() {
        HttpFields headers = announced;
        return headers != null ? headers : super.getHeaders();
    }

    /** The client's own headers, whatever {@link #sendHeaders} put in their place for upstream. */
    HttpFields clientHeaders() {
        return super.getHeaders();
    }

    @Override
    public Content.Chunk read() {
        Content.Chunk chunk = unread;
        if (chunk != null) {
            unread = null;
            return chunk;
        }
        return super.read();
    }

    @Override
    public void demand(Runnable demandCallback) {
        if (unread != null) {
            demandCallback.run();  // what was handed back is readable now
            return;
        }
        super.demand(demandCallback);
    }

    /**
     * The client gave up on this request (a failure listener of the client's request, or a read of
     * its body that failed): the upstream try under way, if any, is stopped at once, as nginx
     * closes the upstream connection of a client that closed its own ({@code proxy_ignore_client_abort off}).
     */
    void clientFailed(Throwable cause) {
        if (clientFailure == null) {
            clientFailure = cause;
        }
        stopTry(cause);
    }

    /**
     * Stops the upstream try under way, if any, with {@code cause}: the client's failure, or the
     * route's timeouts ({@link RouteTimeouts}).
     */
    void stopTry(Throwable cause) {
        UpstreamAbort abort = upstreamAbort;
        if (abort != null) {
            abort.abort(this, cause);
        }
    }

    /** Why the request's own time ran out ({@code timeouts.request}), or null. */
    RouteTimeouts.Passed requestTimedOut() {
        RouteTimeouts t = timeouts;
        return t == null ? null : t.requestPassed();
    }

    /** Why the client gave up on this request, or null (see {@link #clientFailed(Throwable)}). */
    Throwable clientFailure() {
        return clientFailure;
    }

    /**
     * An upstream try begins: {@code abort} stops it if the client gives up, at once when it gave
     * up already (or the route's timeouts ran out, see {@link RouteTimeouts}). {@code abort} may
     * then be called twice; it stops only the try it was given for.
     */
    void upstreamBegins(UpstreamAbort abort) {
        upstreamAbort = abort;
        Throwable cause = clientFailure;
        RouteTimeouts t = timeouts;
        if (cause == null && t != null) {
            cause = t.passed();
        }
        if (cause != null) {
            abort.abort(this, cause);
        }
    }

    /**
     * The status the exchange ends with, for the access log and the metrics: the response's, or,
     * when the client gave up before anything was sent to it, nginx's 499 "client closed request"
     * (408 when its body stopped coming and nothing could be said).
     */
    private int outcome() {
        Throwable failure = clientFailure;
        if (failure != null && !proxyToClientResponse.isCommitted()) {
            int status = RoutingProxy.isTimeout(failure) ? HttpStatus.REQUEST_TIMEOUT_408 : CLIENT_CLOSED_REQUEST;
            proxyToClientResponse.setStatus(status);
            return status;
        }
        return proxyToClientResponse.getStatus();
    }

    /** Remembers the current endpoint as tried, so {@link #excluded} skips it on the next pick. */
    void markTried(int maxTries) {
        if (tried == null) {
            tried = new Endpoint[maxTries];
        }
        for (int i = 0; i < tried.length; i++) {
            if (tried[i] == null) {
                tried[i] = endpoint;
                return;
            }
        }
    }

    /** Forgets the endpoints tried: {@link #excluded} skips none (an HTTPRoute's retry, once every endpoint was tried). */
    void forgetTried() {
        tried = null;
    }

    @Override
    public boolean excluded(Endpoint candidate) {
        Endpoint[] seen = tried;
        if (seen == null) {
            return false;
        }
        for (Endpoint e : seen) {
            if (e == candidate) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String header(String name) {
        return getHeaders().get(name);
    }

    @Override
    public String cookie(String name) {
        for (HttpField field : getHeaders()) {
            if (field.getHeader() == HttpHeader.COOKIE) {
                String value = cookieIn(field.getValue(), name);
                if (value != null) {
                    return value;
                }
            }
        }
        return null;
    }

    /** Finds {@code name=value} in a Cookie header value without splitting it. */
    static String cookieIn(String header, String name) {
        if (header == null) {
            return null;
        }
        int n = header.length();
        int i = 0;
        while (i < n) {
            while (i < n && (header.charAt(i) == ' ' || header.charAt(i) == ';')) {
                i++;
            }
            int end = header.indexOf(';', i);
            if (end < 0) {
                end = n;
            }
            if (header.startsWith(name, i) && i + name.length() < end && header.charAt(i + name.length()) == '=') {
                String value = header.substring(i + name.length() + 1, end).trim();
                if (value.length() >= 2 && value.charAt(0) == '"' && value.charAt(value.length() - 1) == '"') {
                    value = value.substring(1, value.length() - 1);
                }
                return value;
            }
            i = end + 1;
        }
        return null;
    }

    @Override
    public String clientAddress() {
        String address = clientAddress;
        if (address == null) {
            // a lean connection formats it once; a connection's address does not change
            address = getConnectionMetaData() instanceof RemoteAddressText connection
                    ? connection.remoteAddr(this) : Request.getRemoteAddr(this);
            clientAddress = address;
        }
        return address;
    }

    /**
     * Whether the client came over HTTPS: its connection is TLS, or a trusted proxy says so with
     * {@code X-Forwarded-Proto} (see {@link TrustedForwarding}). Not {@code Request.isSecure()},
     * which Jetty answers from an absolute-form target's scheme too.
     */
    boolean secure() {
        byte scheme = forwardedScheme;
        return scheme == 0 ? getConnectionMetaData().isSecure() : scheme == TrustedForwarding.HTTPS;
    }

    @Override
    public String uri() {
        return pathAndQuery;
    }

    @Override
    public void setAffinityCookie(String name, String value) {
        affinityCookie = AffinityCookies.setCookie(this, name, value);
    }

    /** Succeeds: the exchange as a task, for {@link ResumingExecutor#completeHere}. */
    @Override
    public void run() {
        succeeded();
    }

    @Override
    public void succeeded() {
        LeanExchanges.stopWatching(this);
        if (timeouts != null) {
            timeouts.exchangeEnds();
        }
        listener.onExchangeEnd(this, outcome());
        if (logged) {
            // Jetty writes the access log line in this call: never on a selector thread.
            listener.executor().execute(proxyToClientCallback::succeeded);
        } else {
            proxyToClientCallback.succeeded();
        }
    }

    @Override
    public void failed(Throwable failure) {
        LeanExchanges.stopWatching(this);
        if (timeouts != null) {
            timeouts.exchangeEnds();
        }
        int status = outcome();
        listener.onExchangeEnd(this, status);
        if (clientFailure != null && !proxyToClientResponse.isCommitted()) {
            // The client is gone and nothing was sent: the exchange ends with the status set
            // (499). A failed callback would have Jetty write its error page, as a 500, and log that.
            if (logged) {
                listener.executor().execute(proxyToClientCallback::succeeded);
            } else {
                proxyToClientCallback.succeeded();
            }
            return;
        }
        if (logged) {
            listener.executor().execute(() -> proxyToClientCallback.failed(failure));
        } else {
            proxyToClientCallback.failed(failure);
        }
    }

    @Override
    public InvocationType getInvocationType() {
        return proxyToClientCallback.getInvocationType();
    }

    /** Stops an upstream try when the client gives up; only the try of {@code exchange}, if it is still under way. */
    interface UpstreamAbort {
        void abort(Exchange exchange, Throwable cause);
    }

    /** Told once per request when its response is complete (or failed). */
    interface ExchangeListener {
        void onExchangeEnd(Exchange exchange, int status);

        /** Where a completion that may block (the access log's) runs. */
        java.util.concurrent.Executor executor();
    }
}
