package io.jingress.jetty.internal.proxy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.jingress.core.route.AuthCache;
import io.jingress.core.route.ExternalAuth;
import io.jingress.core.route.RoutePolicy;

import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * External authentication ({@code auth-url}, see {@link ExternalAuth}), as ingress-nginx's
 * {@code auth_request}: before a request goes to an endpoint, the auth service is asked, without
 * the request's body, and
 * <ul>
 *   <li>2xx: the request goes on ({@link Resume#authorized}), with each of {@code auth-response-headers}
 *       taken from the answer in place of the client's own (left out when the answer has none: a
 *       client cannot forge them);</li>
 *   <li>401: a 302 to {@code auth-signin} when set, else 401 with the answer's {@code WWW-Authenticate};</li>
 *   <li>403: 403;</li>
 *   <li>anything else, no answer in time, or no answer at all: 500.</li>
 * </ul>
 * The answer's {@code Set-Cookie} goes on the client's answer when that is a success or a redirect
 * (200, 201, 204, 206, 301, 302, 303, 304, 307, 308), or on any with {@code auth-always-set-cookie},
 * as nginx's {@code add_header} (without and with {@code always}).
 *
 * <p>The call goes out on the proxy's own Jetty {@link HttpClient} (its executor is the server's
 * pool; connections to the auth service are kept alive and reused), asynchronously: no thread waits
 * for it, and the request's body is left unread until the request goes on. It is timed by the
 * route's {@code proxy-connect-timeout} and {@code proxy-read-timeout}, else the server's connect and
 * read timeouts; the whole call by their sum. A client that gives up meanwhile aborts it. An
 * {@code https://} auth URL is called over TLS of its own ({@link ExternalAuthTls}: SNI of the URL's
 * host, the certificate verified for it against the JVM's trust store), on connections never
 * shared with an endpoint's.
 *
 * <p>With {@code auth-keepalive}, {@code auth-keepalive-requests} or {@code auth-keepalive-timeout},
 * the calls go on connections pooled as they say ({@link ExternalAuthConnections}).
 *
 * <p>With {@code auth-cache-key} ({@link ExternalAuth#cache()}), an answer the auth service gave for
 * the same route, auth URL and key, and that is kept ({@link AuthVerdictCache}), decides without a
 * call, as nginx's {@code proxy_cache} of the auth location.
 *
 * <p>What the auth service receives: the client's end-to-end headers (cookies and
 * {@code Authorization} among them; no body, so no {@code Content-Length}, {@code Transfer-Encoding}
 * or {@code Expect}), {@code Host} of the auth URL, and {@code X-Original-URL}
 * ({@code $scheme://$http_host$request_uri}), {@code X-Original-Method}, {@code X-Sent-From},
 * {@code X-Real-IP}, {@code X-Forwarded-For} (the client's address alone), {@code X-Forwarded-Host},
 * {@code X-Auth-Request-Redirect} ({@code auth-request-redirect}, else {@code $request_uri}) and
 * {@code X-Request-ID} (the one the endpoint gets); with {@code auth-method}, {@code X-Original-URI}
 * and {@code X-Scheme}. No {@code X-Forwarded-Proto}, as ingress-nginx clears it. The method is
 * {@code auth-method}, else {@code GET}.
 */
final class ExternalAuthCheck {
    private static final Logger LOG = LoggerFactory.getLogger(ExternalAuthCheck.class);
    static final PlainResponses.Body UNUSABLE = new PlainResponses.Body(HttpStatus.SERVICE_UNAVAILABLE_503,
            "503 Service Unavailable: this route's Ingress asks for external authentication that Jingress cannot use as"
                    + " written; nothing is served without it\n");
    static final PlainResponses.Body HOST_FROM_CLIENT = new PlainResponses.Body(HttpStatus.INTERNAL_SERVER_ERROR_500,
            "500 Internal Server Error: this route's auth-url names $host, and its rule takes any host\n");
    static final PlainResponses.Body NO_URL = new PlainResponses.Body(HttpStatus.INTERNAL_SERVER_ERROR_500,
            "500 Internal Server Error: this request cannot be put in the route's auth-url\n");
    static final PlainResponses.Body UNREACHABLE = new PlainResponses.Body(HttpStatus.INTERNAL_SERVER_ERROR_500,
            "500 Internal Server Error: the authentication service could not be reached\n");
    static final PlainResponses.Body TIMED_OUT = new PlainResponses.Body(HttpStatus.INTERNAL_SERVER_ERROR_500,
            "500 Internal Server Error: the authentication service did not answer in time\n");
    static final PlainResponses.Body UNEXPECTED = new PlainResponses.Body(HttpStatus.INTERNAL_SERVER_ERROR_500,
            "500 Internal Server Error: the authentication service answered neither 2xx, 401 nor 403\n");
    static final PlainResponses.Body NOT_SENT_ON = new PlainResponses.Body(HttpStatus.INTERNAL_SERVER_ERROR_500,
            "500 Internal Server Error: the request could not be sent on after its authentication\n");
    static final PlainResponses.Body UNAUTHORIZED = new PlainResponses.Body(HttpStatus.UNAUTHORIZED_401, "401 Unauthorized\n");
    static final PlainResponses.Body FORBIDDEN = new PlainResponses.Body(HttpStatus.FORBIDDEN_403, "403 Forbidden\n");
    static final PlainResponses.Body FOUND = new PlainResponses.Body(HttpStatus.FOUND_302, "302 Found\n");

    static final String X_ORIGINAL_URL = "X-Original-URL";
    static final String X_ORIGINAL_METHOD = "X-Original-Method";
    static final String X_ORIGINAL_URI = "X-Original-URI";
    static final String X_SCHEME = "X-Scheme";
    static final String X_SENT_FROM = "X-Sent-From";
    static final String X_AUTH_REQUEST_REDIRECT = "X-Auth-Request-Redirect";

    /** How a request the auth service let through goes on: the rest of {@code RoutingProxy.handle}. */
    interface Resume {
        /** Sends the request to an endpoint; may throw, which fails the exchange. */
        void authorized(Exchange exchange);
    }

    private final HttpClientSource client;
    private final long connectTimeoutMillis;
    private final long readTimeoutMillis;
    private final Resume resume;
    private volatile SslContextFactory.Client tls;
    /** The answers kept for the Ingresses that set {@code auth-cache-key}. */
    private final AuthVerdictCache verdicts = new AuthVerdictCache(System::nanoTime, AuthVerdictCache.MAX_ENTRIES);

    /** The proxy's client, which exists only once the proxy has started. */
    interface HttpClientSource {
        HttpClient httpClient();
    }

    ExternalAuthCheck(HttpClientSource client, long connectTimeoutMillis, long readTimeoutMillis, Resume resume) {
        this.client = client;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.readTimeoutMillis = readTimeoutMillis;
        this.resume = resume;
    }

    /** The TLS client side of https auth URLs, made at the first (it reads the JVM's trust store). */
    private SslContextFactory.Client tls() {
        SslContextFactory.Client made = tls;
        if (made == null) {
            synchronized (this) {
                made = tls;
                if (made == null) {
                    made = ExternalAuthTls.start();
                    tls = made;
                }
            }
        }
        return made;
    }

    /**
     * Starts the auth call for a request of a route whose policy has {@code auth}; true always: the
     * request is answered here, or it goes on through {@link Resume#authorized} once the auth service
     * lets it through.
     *
     * @param requestUri the request's path and query as the client asked (before a rewrite):
     *     nginx's {@code $request_uri}
     */
    boolean started(Exchange exchange, RoutePolicy policy, ExternalAuth auth, String requestUri, Response proxyToClientResponse) {
        if (!auth.usable()) {
            PlainResponses.write(proxyToClientResponse, exchange, UNUSABLE);
            return true;
        }
        if (auth.hostInUrl() && exchange.route.host() == null) {
            // the client's Host would choose where the proxy calls: an open proxy
            PlainResponses.write(proxyToClientResponse, exchange, HOST_FROM_CLIENT);
            return true;
        }
        Variables variables = new Variables(exchange, requestUri);
        String url = variables.fill(auth::urlFor);
        org.eclipse.jetty.client.Request proxyToAuthRequest;
        try {
            proxyToAuthRequest = url == null ? null : client.httpClient().newRequest(url);
        } catch (IllegalArgumentException notAUrl) {
            proxyToAuthRequest = null;
        }
        if (proxyToAuthRequest == null) {
            PlainResponses.write(proxyToClientResponse, exchange, NO_URL);
            return true;
        }
        proxyToAuthRequest.method(auth.method() == null ? "GET" : auth.method());
        AuthCache cache = auth.cache();
        String cacheKey = null;
        if (cache != null) {
            cacheKey = AuthVerdictCache.keyFor(exchange, exchange.route, proxyToAuthRequest.getMethod(), url, cache,
                    variables.scheme, variables.host, variables.httpHost, variables.path, variables.requestUri);
            AuthVerdictCache.Verdict kept = verdicts.get(cacheKey);
            if (kept != null) {
                decided(exchange, auth, variables, kept.status(), kept.headers());
                return true;
            }
        }
        long connectTimeout = UpstreamTimeouts.connectMillis(policy, connectTimeoutMillis);
        long readTimeout = UpstreamTimeouts.readMillis(policy, readTimeoutMillis);
        proxyToAuthRequest.idleTimeout(readTimeout, TimeUnit.MILLISECONDS)
                .timeout(connectTimeout + readTimeout, TimeUnit.MILLISECONDS);
        SslContextFactory.Client authTls = null;
        if ("https".equalsIgnoreCase(proxyToAuthRequest.getScheme())) {
            // its own destination (never an endpoint's unverified one): SNI, the certificate verified
            try {
                authTls = tls();
            } catch (IllegalStateException noTrustStore) {
                LOG.warn("{}", noTrustStore.getMessage());
                PlainResponses.write(proxyToClientResponse, exchange, UNREACHABLE);
                return true;
            }
        }
        if (auth.keepalive() != null) {
            // a pool of its own for its setting (ExternalAuthConnections)
            proxyToAuthRequest.tag(new ExternalAuthConnections.Tag(policy.connectTimeoutMillis(), authTls, auth.keepalive()));
        } else if (authTls != null) {
            proxyToAuthRequest.tag(new UpstreamTlsContexts.Tag(policy.connectTimeoutMillis(), authTls));
        } else if (policy.connectTimeoutMillis() > 0) {
            proxyToAuthRequest.tag(new UpstreamTimeouts.ConnectTag(policy.connectTimeoutMillis()));
        }
        HttpFields.Mutable proxyToAuthHeaders = authHeaders(exchange, auth, variables);
        proxyToAuthRequest.headers(headers -> headers.add(proxyToAuthHeaders));
        org.eclipse.jetty.client.Request sent = proxyToAuthRequest;
        exchange.upstreamBegins((aborted, cause) -> sent.abort(cause));
        String keptAs = cacheKey;
        proxyToAuthRequest.send(result -> answered(exchange, auth, variables, keptAs, result));
        return true;
    }

    /** The auth service answered, or the call failed: on a thread of the client's executor. */
    private void answered(Exchange exchange, ExternalAuth auth, Variables variables, String cacheKey, Result result) {
        Response proxyToClientResponse = exchange.proxyToClientResponse();
        try {
            if (clientGone(exchange)) {
                return;
            }
            org.eclipse.jetty.client.Response authToProxyResponse = result.getResponse();
            int status = authToProxyResponse == null ? 0 : authToProxyResponse.getStatus();
            if (result.isFailed() && (status == 0 || result.getResponseFailure() != null)) {
                PlainResponses.write(proxyToClientResponse, exchange,
                        RoutingProxy.isTimeout(result.getFailure()) ? TIMED_OUT : UNREACHABLE);
                return;
            }
            HttpFields authToProxyHeaders = authToProxyResponse.getHeaders();
            if (cacheKey != null) {
                verdicts.put(cacheKey, auth.cache(), status, authToProxyHeaders);
            }
            decided(exchange, auth, variables, status, authToProxyHeaders);
        } catch (RuntimeException x) {
            // thrown on its way on (resume): nothing has completed the exchange yet
            if (proxyToClientResponse.isCommitted()) {
                exchange.failed(x);
            } else {
                proxyToClientResponse.reset();
                PlainResponses.write(proxyToClientResponse, exchange, NOT_SENT_ON);
            }
        }
    }

    /**
     * What the auth service's answer (of {@code status} with {@code authToProxyHeaders}, just read or
     * kept) makes of the request; a {@link RuntimeException} of its way on is the caller's to answer.
     */
    private void decided(Exchange exchange, ExternalAuth auth, Variables variables, int status, HttpFields authToProxyHeaders) {
        Response proxyToClientResponse = exchange.proxyToClientResponse();
        keepCookies(exchange, auth, authToProxyHeaders);
        if (status >= 200 && status < 300) {
            exchange.sendHeaders(withResponseHeaders(exchange.getHeaders(), auth.responseHeaders(), authToProxyHeaders));
            resume.authorized(exchange);
        } else if (status == HttpStatus.UNAUTHORIZED_401 && auth.signin() != null) {
            String location = variables.fill(auth.signin()::locationFor);
            if (location == null) {
                refuse(exchange, NO_URL);
                return;
            }
            proxyToClientResponse.getHeaders().put(HttpHeader.LOCATION, location);
            refuse(exchange, FOUND);
        } else if (status == HttpStatus.UNAUTHORIZED_401) {
            for (HttpField field : authToProxyHeaders) {
                if (field.getHeader() == HttpHeader.WWW_AUTHENTICATE) {
                    proxyToClientResponse.getHeaders().add(field);
                }
            }
            refuse(exchange, UNAUTHORIZED);
        } else if (status == HttpStatus.FORBIDDEN_403) {
            refuse(exchange, FORBIDDEN);
        } else {
            refuse(exchange, UNEXPECTED);
        }
    }

    /**
     * Whether the client gave up while its auth service was asked (also {@link GatewayAuthCheck}'s):
     * if so, the answer to that is written and nothing goes on.
     */
    static boolean clientGone(Exchange exchange) {
        Throwable clientFailure = exchange.clientFailure();
        if (clientFailure == null) {
            return false;
        }
        RoutingProxy.answerClientFailure(exchange.proxyToClientResponse(), exchange, clientFailure, exchange.strictTransportSecurity);
        return true;
    }

    // the answer to a request the auth service did not let through: its body, unread, is read and
    // dropped after it (over HTTP/1), so that a client writing it whole before it reads gets the answer
    // (also GatewayAuthCheck's)
    static void refuse(Exchange exchange, PlainResponses.Body body) {
        PlainResponses.write(exchange.proxyToClientResponse(), BodyDiscard.after(exchange), body,
                exchange.strictTransportSecurity);
    }

    /** What the auth service is sent (see the class doc). */
    private static HttpFields.Mutable authHeaders(Exchange exchange, ExternalAuth auth, Variables variables) {
        HttpFields.Mutable headers = HttpFields.build();
        // the client's end-to-end headers, its cookies joined as for an endpoint; its forwarded ones left out
        ProxyHeaders.copyClientHeaders(exchange, exchange.getHeaders(), headers);
        headers.remove(HttpHeader.HOST);  // the auth URL's, which Jetty's client sends
        headers.remove(HttpHeader.CONTENT_LENGTH);
        headers.remove(HttpHeader.EXPECT);
        if (exchange.requestId == null) {
            exchange.requestId = ProxyHeaders.newRequestId();  // the endpoint gets the same
        }
        headers.put(ProxyHeaders.X_REQUEST_ID, exchange.requestId);
        if (auth.method() != null) {
            headers.put(X_ORIGINAL_URI, variables.requestUri);
            headers.put(X_SCHEME, variables.scheme);
        }
        headers.put(X_ORIGINAL_URL, variables.scheme + "://" + variables.httpHost + variables.requestUri);
        headers.put(X_ORIGINAL_METHOD, exchange.getMethod());
        headers.put(X_SENT_FROM, "nginx-ingress-controller");
        String clientAddress = exchange.clientAddress();
        headers.put(ProxyHeaders.X_REAL_IP, clientAddress);
        // the address alone, as ingress-nginx sends it: an auth service reads the first entry
        headers.put(HttpHeader.X_FORWARDED_FOR, clientAddress);
        if (!variables.httpHost.isEmpty()) {
            headers.put(HttpHeader.X_FORWARDED_HOST, variables.httpHost);
        }
        String redirect = variables.fill(auth::requestRedirectFor);
        headers.put(X_AUTH_REQUEST_REDIRECT, redirect != null ? redirect : variables.requestUri);
        return headers;
    }

    /** Keeps the answer's {@code Set-Cookie} values for the client's answer. */
    private static void keepCookies(Exchange exchange, ExternalAuth auth, HttpFields authToProxyHeaders) {
        List<String> cookies = null;
        for (HttpField field : authToProxyHeaders) {
            if (field.getHeader() == HttpHeader.SET_COOKIE) {
                if (cookies == null) {
                    cookies = new ArrayList<>(2);
                }
                cookies.add(field.getValue());
            }
        }
        if (cookies != null) {
            exchange.authCookies = cookies.toArray(new String[0]);
            exchange.authCookiesAlways = auth.alwaysSetCookie();
        }
    }

    /**
     * The request's headers with each of {@code names} replaced by the auth service's value (its
     * fields of that name, joined with commas as nginx's {@code $upstream_http_} variable does), or
     * left out when the answer has none.
     */
    static HttpFields withResponseHeaders(HttpFields clientToProxyHeaders, List<String> names, HttpFields authToProxyHeaders) {
        if (names.isEmpty()) {
            return clientToProxyHeaders;
        }
        HttpFields.Mutable headers = HttpFields.build(clientToProxyHeaders);
        for (String name : names) {
            headers.remove(name);
            String value = null;
            for (HttpField field : authToProxyHeaders) {
                if (field.is(name)) {
                    value = value == null ? field.getValue() : value + ", " + field.getValue();
                }
            }
            if (value != null && !value.isEmpty()) {
                headers.add(name, value);
            }
        }
        return headers.asImmutable();
    }

    /**
     * Adds the auth service's {@code Set-Cookie} values to an answer of {@code status}, when there are
     * some and the status takes them (see the class doc). One null check for a route without them.
     */
    static void addCookies(Exchange exchange, int status, HttpFields.Mutable proxyToClientHeaders) {
        String[] cookies = exchange.authCookies;
        if (cookies == null || !(exchange.authCookiesAlways || takesCookies(status))) {
            return;
        }
        for (String cookie : cookies) {
            proxyToClientHeaders.add(HttpHeader.SET_COOKIE, cookie);
        }
    }

    // nginx's add_header without "always"
    private static boolean takesCookies(int status) {
        return switch (status) {
            case 200, 201, 204, 206, 301, 302, 303, 304, 307, 308 -> true;
            default -> false;
        };
    }

    /** nginx's variables of one request, as the auth URLs fill them in. */
    private static final class Variables {
        final String scheme;
        final String host;
        final String httpHost;
        final String path;
        final String requestUri;

        Variables(Exchange exchange, String requestUri) {
            String routedBy = exchange.getHttpURI().getHost();
            if (routedBy == null) {
                routedBy = exchange.getHeaders().get(HttpHeader.HOST);
            }
            this.scheme = PolicyRedirects.scheme(exchange);
            this.host = PolicyRedirects.hostName(exchange, routedBy);
            this.httpHost = PolicyRedirects.httpHost(exchange, routedBy);
            int question = requestUri.indexOf('?');
            this.path = question < 0 ? requestUri : requestUri.substring(0, question);
            this.requestUri = requestUri;
        }

        String fill(Filler filler) {
            return filler.fill(scheme, host, httpHost, path, requestUri);
        }
    }

    private interface Filler {
        String fill(String scheme, String host, String httpHost, String path, String pathAndQuery);
    }
}
