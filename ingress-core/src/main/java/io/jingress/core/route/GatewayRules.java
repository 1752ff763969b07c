package io.jingress.core.route;

import io.jingress.core.lb.BalancerPolicy;
import io.jingress.core.lb.Strategy;
import io.jingress.core.model.GrpcRouteMatch;
import io.jingress.core.model.HttpBackendRef;
import io.jingress.core.model.HttpRoute;
import io.jingress.core.model.HttpRouteFilter;
import io.jingress.core.model.HttpRouteMatch;
import io.jingress.core.model.HttpRouteRule;
import io.jingress.core.model.PathType;
import io.jingress.core.model.Problem;
import io.jingress.core.model.ReferenceGrant;
import io.jingress.core.model.Service;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads one HTTPRoute or GRPCRoute rule: its matches into paths and {@link RouteConditions}, its
 * backendRefs into a backend or a {@link BackendSplit}, its filters into {@link HttpRouteFilters}
 * and a {@link RoutePolicy}, which also carries its {@code timeouts} and {@code retry}. Anything it
 * cannot serve as written (an unsupported filter or match type, a bad value) is a WARNING naming the
 * route and field, and the rule is not served at all.
 *
 * <p>A GRPCRoute's method match is a path: service and method {@code Exact /service/method},
 * service alone {@code PathPrefix /service}, method alone {@code PathPrefix /} with the condition
 * that the path be {@code /any.Service/method}. Its calls go to the endpoints in HTTP/2 (h2c).
 */
final class GatewayRules {
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS",
            "TRACE", "PATCH");
    // framing and hop-by-hop fields: the proxy's own to write, never a route's
    private static final Set<String> PROXY_WRITES = Set.of("connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "upgrade", "te", "trailer", "content-length");
    // retry.attempts past this are this many (the CRD sets no limit)
    static final int MAX_RETRIES = 100;
    private static final String TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
    // the GRPCRoute CRD's patterns of a service and a method name
    private static final java.util.regex.Pattern GRPC_SERVICE =
            java.util.regex.Pattern.compile("(?i)\\.?[a-z_][a-z_0-9]*(\\.[a-z_][a-z_0-9]*)*");
    // a CORS filter's origin: scheme://host[:port], the host's first label possibly *
    private static final java.util.regex.Pattern CORS_ORIGIN = java.util.regex.Pattern.compile(
            "[A-Za-z][A-Za-z0-9+.-]*://(\\*\\.)?[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*(:[0-9]{1,5})?");
    private static final java.util.regex.Pattern GRPC_METHOD = java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z_0-9]*");

    /** Where a rule's backends come from: the compilation's resolved Services. */
    interface Backends {
        /**
         * The backend of a Service port, resolved as an Ingress's is, balanced by {@code balancing}
         * (shared with the Ingresses and routes that name it with the same balancing).
         */
        Backend service(String namespace, String name, int port, BalancerPolicy balancing);

        /** A backend that is not valid: its requests are answered 500 (a GRPCRoute's 503, UNAVAILABLE). */
        Backend invalid(String key, String namespace, String name, String reason);

        /** The {@code appProtocol} of the Service port, or null (none, or no such Service or port). */
        String appProtocol(String namespace, String name, int port);

        /** The Service {@code namespace/name}, or null when there is none. */
        Service service(String namespace, String name);
    }

    /** One match of a rule, read. */
    record Match(PathType type, String path, RouteConditions conditions, int index) {
    }

    /** A rule read: its matches and what requests they take get. */
    record Rule(List<Match> matches, Backend backend, BackendSplit split, HttpRouteFilters filters, RoutePolicy policy) {
    }

    /**
     * What reading a route's rules found, for its status: the rules not served and why, and the
     * backendRefs (and mirrors) that could not be resolved, each with the Gateway API's reason.
     */
    static final class Findings {
        final List<Integer> droppedRules = new ArrayList<>();
        final List<String> droppedWhy = new ArrayList<>();  // "spec.rules[i]...: why", as the WARNINGs say
        final List<String> unresolvedReasons = new ArrayList<>();
        final List<String> unresolvedWhy = new ArrayList<>();
        final Set<String> tlsPolicies = new java.util.LinkedHashSet<>();  // the BackendTLSPolicies its backends go through

        void unresolved(String reason, String why) {
            unresolvedReasons.add(reason);
            unresolvedWhy.add(why);
        }
    }

    /** Why a backendRef is refused: the Gateway API's ResolvedRefs reason and the WARNING's words. */
    private record Refusal(String reason, String message, boolean port) {
    }

    private final List<Problem> problems;
    private final List<ReferenceGrant> grants;
    private final Backends backends;
    private final BackendTlsPolicies tlsPolicies;
    // the backend client certificate of the Gateways the route being read is attached to; null: none
    private io.jingress.core.model.TlsSecret clientCertificate;

    GatewayRules(List<Problem> problems, List<ReferenceGrant> grants, Backends backends, BackendTlsPolicies tlsPolicies) {
        this.problems = problems;
        this.grants = grants;
        this.backends = backends;
        this.tlsPolicies = tlsPolicies;
    }

    /**
     * The client certificate presented to the endpoints of the next rules read that are spoken to over
     * TLS (their Gateways' {@code spec.tls.backend.clientCertificateRef}); null: none.
     */
    void presenting(io.jingress.core.model.TlsSecret certificate) {
        this.clientCertificate = certificate;
    }

    /** The rule {@code index} of {@code source}, or {@code null} (reported) when it is not served. */
    Rule read(GatewayRoute source, int index, Findings findings) {
        HttpRoute route = source.route();
        HttpRouteRule rule = route.rules().get(index);
        String kind = source.kind();
        String field = "spec.rules[" + index + "]";
        List<String> why = new ArrayList<>();
        List<Match> matches = new ArrayList<>();
        List<GrpcRouteMatch> grpcMatches = source.isGrpc() ? source.grpc().rules().get(index).matches() : List.of();
        if (source.isGrpc() ? grpcMatches.isEmpty() : rule.matches().isEmpty()) {
            matches.add(new Match(PathType.PREFIX, "/", null, -1));
        }
        for (int m = 0; m < grpcMatches.size(); m++) {
            Match match = grpcMatch(grpcMatches.get(m), field + ".matches[" + m + "]", m, why);
            if (match != null) {
                matches.add(match);
            }
        }
        for (int m = 0; m < rule.matches().size(); m++) {
            Match match = match(rule.matches().get(m), field + ".matches[" + m + "]", m, why);
            if (match != null) {
                matches.add(match);
            }
        }
        HttpRouteFilter.HeaderModifier requestHeaders = null;
        HttpRouteFilter.HeaderModifier responseHeaders = null;
        HttpRouteFilter.Redirect redirect = null;
        HttpRouteFilter.Rewrite rewrite = null;
        HttpBackendRef mirror = null;
        RouteCors cors = null;
        HttpRouteFilter.ExternalAuth externalAuth = null;
        String externalAuthAt = null;
        for (int f = 0; f < rule.filters().size(); f++) {
            HttpRouteFilter filter = rule.filters().get(f);
            String at = field + ".filters[" + f + "]";
            if (source.isGrpc() && (filter.type().equals(HttpRouteFilter.REQUEST_REDIRECT)
                    || filter.type().equals(HttpRouteFilter.URL_REWRITE))) {
                why.add(at + ".type: " + filter.type() + " is not a GRPCRoute filter");
                continue;
            }
            if (source.isGrpc() && filter.type().equals(HttpRouteFilter.CORS)) {
                why.add(at + ".type: CORS is not a GRPCRoute filter");
                continue;
            }
            if (source.isGrpc() && filter.type().equals(HttpRouteFilter.REQUEST_MIRROR)) {
                why.add(at + ".type: RequestMirror is not served by Jingress on a GRPCRoute (its copies go in HTTP/1.1)");
                continue;
            }
            switch (filter.type()) {
                case HttpRouteFilter.REQUEST_HEADER_MODIFIER -> {
                    if (requestHeaders != null || !headersOk(filter.requestHeaderModifier(), at + ".requestHeaderModifier", why)) {
                        once(requestHeaders, at, filter.type(), why);
                    } else {
                        requestHeaders = filter.requestHeaderModifier();
                    }
                }
                case HttpRouteFilter.RESPONSE_HEADER_MODIFIER -> {
                    if (responseHeaders != null || !headersOk(filter.responseHeaderModifier(), at + ".responseHeaderModifier", why)) {
                        once(responseHeaders, at, filter.type(), why);
                    } else {
                        responseHeaders = filter.responseHeaderModifier();
                    }
                }
                case HttpRouteFilter.REQUEST_REDIRECT -> {
                    if (redirect != null || !redirectOk(filter.requestRedirect(), at + ".requestRedirect", why)) {
                        once(redirect, at, filter.type(), why);
                    } else {
                        redirect = filter.requestRedirect();
                    }
                }
                case HttpRouteFilter.URL_REWRITE -> {
                    if (rewrite != null || !rewriteOk(filter.urlRewrite(), at + ".urlRewrite", why)) {
                        once(rewrite, at, filter.type(), why);
                    } else {
                        rewrite = filter.urlRewrite();
                    }
                }
                case HttpRouteFilter.REQUEST_MIRROR -> {
                    if (filter.requestMirror() == null) {
                        why.add(at + ".requestMirror: missing");
                    } else if (mirror != null) {
                        why.add(at + ": a second RequestMirror is not served by Jingress (one per rule)");
                    } else {
                        mirror = filter.requestMirror();
                    }
                }
                case HttpRouteFilter.CORS -> {
                    if (filter.cors() == null) {
                        why.add(at + ".cors: missing");
                    } else if (cors != null) {
                        once(cors, at, filter.type(), why);
                    } else {
                        cors = cors(filter.cors(), at + ".cors", why);
                    }
                }
                case HttpRouteFilter.EXTERNAL_AUTH -> {
                    if (filter.externalAuth() == null) {
                        why.add(at + ".externalAuth: missing");
                    } else if (externalAuth != null) {
                        once(externalAuth, at, filter.type(), why);
                    } else if (externalAuthOk(filter.externalAuth(), at + ".externalAuth", why)) {
                        externalAuth = filter.externalAuth();
                        externalAuthAt = at;
                    }
                }
                default -> why.add(at + ".type: " + filter.type() + " is not served by Jingress");
            }
        }
        if (redirect != null && rewrite != null) {
            why.add(field + ".filters: RequestRedirect and URLRewrite cannot both be given");
        }
        HttpRouteFilter.PathModifier prefixModifier = redirect != null && redirect.path() != null ? redirect.path()
                : rewrite != null && rewrite.path() != null ? rewrite.path() : null;
        if (prefixModifier != null && HttpRouteFilter.REPLACE_PREFIX_MATCH.equals(prefixModifier.type())) {
            for (Match match : matches) {
                if (match.type() != PathType.PREFIX || match.conditions() != null && match.conditions().pathRegex() != null) {
                    why.add(field + ".filters: ReplacePrefixMatch needs PathPrefix matches, and matches[" + match.index()
                            + "] is " + (match.type() == PathType.EXACT ? "Exact" : "RegularExpression"));
                }
            }
        }
        for (int b = 0; b < rule.backendRefs().size(); b++) {
            HttpBackendRef ref = rule.backendRefs().get(b);
            backendFilters(ref.filters(), field + ".backendRefs[" + b + "].filters", why);
            if (ref.weight() < 0 || ref.weight() > 1_000_000) {
                why.add(field + ".backendRefs[" + b + "].weight: " + ref.weight() + " is not from 0 to 1000000");
            }
        }
        long requestTimeout = duration(rule.timeouts() == null ? null : rule.timeouts().request(),
                field + ".timeouts.request", why);
        long backendRequestTimeout = duration(rule.timeouts() == null ? null : rule.timeouts().backendRequest(),
                field + ".timeouts.backendRequest", why);
        if (requestTimeout > 0 && backendRequestTimeout > requestTimeout) {
            why.add(field + ".timeouts.backendRequest: " + rule.timeouts().backendRequest() + " is longer than timeouts.request "
                    + rule.timeouts().request());
        }
        RouteRetries retries = retry(source, rule.retry(), field + ".retry", why);
        SessionCookie sessionCookie = sessionCookie(source, rule, field + ".sessionPersistence", why);
        if (!why.isEmpty()) {
            for (String reason : why) {
                int colon = reason.indexOf(": ");
                problems.add(Problem.warning(kind, route.key(), reason.substring(0, colon),
                        reason.substring(colon + 2) + "; rule " + index + " is not served"));
            }
            findings.droppedRules.add(index);
            findings.droppedWhy.addAll(why);
            return null;
        }
        for (String unserved : rule.unserved()) {
            problems.add(Problem.warning(kind, route.key(), field + "." + unserved, "not served by Jingress; the rule is"
                    + " served without it"));
        }
        RoutePolicy.Builder policy = new RoutePolicy.Builder();
        if (requestTimeout > 0) {
            policy.requestTimeoutMillis(requestTimeout);
        }
        if (backendRequestTimeout > 0) {
            policy.backendRequestTimeoutMillis(backendRequestTimeout);
        }
        if (retries != null) {
            policy.retries(retries);
        }
        if (cors != null) {
            policy.cors(cors);
        }
        if (externalAuth != null) {
            policy.gatewayAuth(gatewayAuthOf(source, externalAuth, externalAuthAt, findings));
        }
        BalancerPolicy balancing = BalancerPolicy.ROUND_ROBIN;
        if (sessionCookie != null) {
            policy.sessionCookie(sessionCookie);
            String name = rule.sessionPersistence().sessionName();
            balancing = new BalancerPolicy(Strategy.COOKIE_AFFINITY, null, name);
        }
        if (rewrite != null && rewrite.hostname() != null) {
            policy.upstreamHost(rewrite.hostname());
        }
        if (mirror != null) {
            RequestMirror requestMirror = mirrorOf(source, mirror, field + ".filters", findings);
            if (requestMirror != null) {
                policy.mirror(requestMirror);
            }
        }
        HttpRouteFilters filters = requestHeaders == null && responseHeaders == null && redirect == null
                && (rewrite == null || rewrite.path() == null) ? null
                : new HttpRouteFilters(requestHeaders, responseHeaders, redirect, rewrite == null ? null : rewrite.path());
        List<Backend> served = new ArrayList<>();
        List<Integer> weights = new ArrayList<>();
        int h2c = 0;
        for (int b = 0; b < rule.backendRefs().size(); b++) {
            HttpBackendRef ref = rule.backendRefs().get(b);
            Backend backend = backendOf(source, ref, field + ".backendRefs[" + b + "]", balancing, findings);
            HttpRouteFilters ownFilters = backendFilters(ref.filters(), null, null);
            if (ownFilters != null) {
                backend = backend.withFilters(ownFilters);
            }
            if (ref.weight() > 0) {
                served.add(backend);
                weights.add(ref.weight());
                if (ref.port() != null && Service.Port.H2C.equals(backends.appProtocol(
                        ref.namespace() == null ? route.namespace() : ref.namespace(), ref.name(), ref.port()))) {
                    h2c++;
                }
            }
        }
        if (source.isGrpc()) {
            policy.backendProtocol(BackendProtocol.H2C);  // a GRPCRoute's calls: HTTP/2 in cleartext
        } else if (h2c > 0 && h2c == served.size()) {
            policy.backendProtocol(BackendProtocol.H2C);  // the ports ask for HTTP/2 in cleartext
        } else if (h2c > 0) {
            problems.add(Problem.warning(kind, route.key(), field + ".backendRefs", "some of the rule's Service"
                    + " ports have appProtocol " + Service.Port.H2C + " and some not: its requests go to all in HTTP/1.1"));
        }
        Backend backend;
        BackendSplit split = null;
        if (served.isEmpty()) {
            String reason = redirect != null ? "the rule answers with its RequestRedirect: no request reaches a backend"
                    : rule.backendRefs().isEmpty() ? "the rule has no backendRefs" : "every backendRef has weight 0";
            backend = backends.invalid(route.namespace() + "/" + route.name() + " " + field, route.namespace(), null, reason);
            if (redirect == null) {
                problems.add(Problem.warning(kind, route.key(), field + ".backendRefs", reason
                        + ": its requests are answered " + invalidAnswer(source)));
            }
        } else {
            backend = served.get(0);
            if (served.size() > 1) {
                split = new BackendSplit(served, weights);
            }
        }
        return new Rule(matches, backend, split, filters, policy.build());
    }

    // an ExternalAuth filter's header names, and its path: the CRD's pattern of an HTTP path, from "/"
    private static final java.util.regex.Pattern AUTH_PATH =
            java.util.regex.Pattern.compile("/(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|%[0-9a-fA-F]{2})*");

    /**
     * A backendRef's filters ({@code backendRefs[].filters}): a RequestHeaderModifier and a
     * ResponseHeaderModifier, at most one of each (the Gateway API's extended support); null when it
     * has none. Any other type, a second of a type, or a bad header value is a reason in {@code why}
     * ({@code field} names them; both null: already checked).
     */
    private static HttpRouteFilters backendFilters(List<HttpRouteFilter> filters, String field, List<String> why) {
        HttpRouteFilter.HeaderModifier request = null;
        HttpRouteFilter.HeaderModifier response = null;
        List<String> ignored = new ArrayList<>();
        List<String> reasons = why == null ? ignored : why;
        for (int f = 0; f < filters.size(); f++) {
            HttpRouteFilter filter = filters.get(f);
            String at = field + "[" + f + "]";
            if (filter.type().equals(HttpRouteFilter.REQUEST_HEADER_MODIFIER) && filter.requestHeaderModifier() != null) {
                if (request != null || !headersOk(filter.requestHeaderModifier(), at + ".requestHeaderModifier", reasons)) {
                    once(request, at, filter.type(), reasons);
                } else {
                    request = filter.requestHeaderModifier();
                }
            } else if (filter.type().equals(HttpRouteFilter.RESPONSE_HEADER_MODIFIER) && filter.responseHeaderModifier() != null) {
                if (response != null || !headersOk(filter.responseHeaderModifier(), at + ".responseHeaderModifier", reasons)) {
                    once(response, at, filter.type(), reasons);
                } else {
                    response = filter.responseHeaderModifier();
                }
            } else if (filter.type().equals(HttpRouteFilter.REQUEST_HEADER_MODIFIER)
                    || filter.type().equals(HttpRouteFilter.RESPONSE_HEADER_MODIFIER)) {
                reasons.add(at + ": the " + filter.type() + " is missing");
            } else {
                reasons.add(at + ".type: " + filter.type() + " is not served by Jingress on a backendRef"
                        + " (RequestHeaderModifier and ResponseHeaderModifier are)");
            }
        }
        return request == null && response == null ? null : new HttpRouteFilters(request, response, null, null);
    }

    /** Whether an ExternalAuth filter can be served as written; when not, each reason is added to {@code why}. */
    private static boolean externalAuthOk(HttpRouteFilter.ExternalAuth auth, String field, List<String> why) {
        int before = why.size();
        if (auth.protocol().equals("GRPC")) {
            why.add(field + ".protocol: GRPC (Envoy's ext_authz over gRPC) is not served by Jingress; HTTP is");
        } else if (!auth.protocol().equals("HTTP")) {
            why.add(field + ".protocol: \"" + auth.protocol() + "\" is not HTTP or GRPC");
        }
        if (auth.forwardBodyMaxSize() != null && auth.forwardBodyMaxSize() > 0) {
            why.add(field + ".forwardBody: not served by Jingress (the auth service is never sent the body)");
        }
        if (auth.path() != null && !AUTH_PATH.matcher(auth.path()).matches()) {
            why.add(field + ".http.path: \"" + auth.path() + "\" is not a path starting with /");
        }
        for (int i = 0; i < auth.allowedHeaders().size(); i++) {
            if (!auth.allowedHeaders().get(i).matches(TOKEN)) {
                why.add(field + ".http.allowedHeaders[" + i + "]: \"" + auth.allowedHeaders().get(i) + "\" is not a header name");
            }
        }
        for (int i = 0; i < auth.allowedResponseHeaders().size(); i++) {
            String name = auth.allowedResponseHeaders().get(i);
            if (!name.matches(TOKEN) || PROXY_WRITES.contains(name.toLowerCase(java.util.Locale.ROOT))
                    || name.equalsIgnoreCase("host")) {
                why.add(field + ".http.allowedResponseHeaders[" + i + "]: \"" + name + "\" is not a header the auth"
                        + " service may set on the request");
            }
        }
        return why.size() == before;
    }

    /**
     * The external authorization of a rule's ExternalAuth filter (checked): its auth service resolved
     * as a backendRef is; one that is not valid is reported (ResolvedRefs) and its requests answered
     * 500, never let through.
     */
    private GatewayAuth gatewayAuthOf(GatewayRoute source, HttpRouteFilter.ExternalAuth auth, String at, Findings findings) {
        HttpRoute route = source.route();
        HttpBackendRef ref = auth.backendRef();
        String field = at + ".externalAuth.backendRef";
        String namespace = ref.namespace() == null ? route.namespace() : ref.namespace();
        String key = namespace + "/" + ref.name() + ":" + (ref.port() == null ? "?" : ref.port());
        Refusal refusal = refusal(source, ref, namespace);
        Backend backend;
        if (refusal != null) {
            String message = "ExternalAuth: " + refusal.message() + "; the rule's requests are answered 500";
            problems.add(Problem.warning(source.kind(), route.key(), refusal.port() ? field + ".port" : field, message));
            findings.unresolved(refusal.reason(), field + ": " + message);
            backend = backends.invalid(key, namespace, ref.name(), refusal.message());
        } else {
            backend = backends.service(namespace, ref.name(), ref.port(), BalancerPolicy.ROUND_ROBIN);
            if (backend.status() == Backend.Status.SERVICE_NOT_FOUND || backend.status() == Backend.Status.PORT_NOT_FOUND) {
                String message = "ExternalAuth: " + backend.reason() + "; the rule's requests are answered 500";
                problems.add(Problem.warning(source.kind(), route.key(), field, message));
                findings.unresolved("BackendNotFound", field + ": " + message);
                backend = backends.invalid(key, namespace, ref.name(), backend.reason());
            } else {
                if (!backend.isReady()) {
                    problems.add(Problem.warning(source.kind(), route.key(), field, "ExternalAuth: " + backend.reason()
                            + "; the rule's requests are answered 503"));
                }
                BackendTlsPolicies.Applied tls = tlsPolicies.forPort(namespace, ref.name(), ref.port());
                if (tls != null) {
                    findings.tlsPolicies.add(tls.policy());
                    backend = backend.withTls(clientCertificate == null ? tls.ssl()
                            : tls.ssl().withClientCertificate(clientCertificate));
                }
            }
        }
        return new GatewayAuth(source.kind() + " " + route.key() + " " + at, backend, auth.path(), auth.allowedHeaders(),
                auth.allowedResponseHeaders());
    }

    /** A duration of the rule in milliseconds, 0 when not given (or {@code 0s}); -1 with a reason in {@code why} when not valid. */
    private static long duration(String text, String field, List<String> why) {
        if (text == null) {
            return 0;
        }
        long millis = GatewayDurations.millis(text);
        if (millis < 0) {
            why.add(field + ": \"" + text + "\" is not a Gateway API duration (such as 10s, 1m30s or 500ms)");
        }
        return millis;
    }

    /**
     * The rule's retries, or null when it has no {@code retry} (or one not valid: a reason in
     * {@code why}); more than {@value #MAX_RETRIES} attempts are that many, with a WARNING.
     */
    private RouteRetries retry(GatewayRoute source, HttpRouteRule.Retry retry, String field, List<String> why) {
        if (retry == null) {
            return null;
        }
        int reasons = why.size();
        Set<Integer> codes = new TreeSet<>();
        for (int c = 0; c < retry.codes().size(); c++) {
            Integer code = retry.codes().get(c);
            if (code == null || code < 400 || code > 599) {
                why.add(field + ".codes[" + c + "]: " + code + " is not a status from 400 to 599");
            } else {
                codes.add(code);
            }
        }
        if (retry.attempts() != null && retry.attempts() < 0) {
            why.add(field + ".attempts: " + retry.attempts() + " is negative");
        }
        long backoff = duration(retry.backoff(), field + ".backoff", why);
        if (why.size() > reasons) {
            return null;
        }
        int attempts = retry.attempts() == null ? -1 : retry.attempts();
        if (attempts > MAX_RETRIES) {
            problems.add(Problem.warning(source.kind(), source.route().key(), field + ".attempts", attempts
                    + " is more than Jingress makes: a request is retried at most " + MAX_RETRIES + " times"));
            attempts = MAX_RETRIES;
        }
        return RouteRetries.ofHttpRoute(codes, attempts < 0 ? -1 : attempts + 1, Math.max(0, backoff));
    }

    /**
     * The cookie of the rule's {@code sessionPersistence}, or null: none given, none served (a
     * WARNING: a {@code Header} session, or a rule that splits its requests among backendRefs, whose
     * sessions would not stay with a backend), or a bad value (a reason in {@code why}).
     */
    private SessionCookie sessionCookie(GatewayRoute source, HttpRouteRule rule, String field, List<String> why) {
        HttpRouteRule.SessionPersistence session = rule.sessionPersistence();
        if (session == null) {
            return null;
        }
        int reasons = why.size();
        if (session.sessionName() != null && !session.sessionName().matches(TOKEN)) {
            why.add(field + ".sessionName: \"" + session.sessionName() + "\" is not a cookie name");
        }
        long absolute = duration(session.absoluteTimeout(), field + ".absoluteTimeout", why);
        String lifetime = session.lifetimeType() == null ? "Session" : session.lifetimeType();
        if (!lifetime.equals("Session") && !lifetime.equals("Permanent")) {
            why.add(field + ".cookieConfig.lifetimeType: " + lifetime + " is not Session or Permanent");
        } else if (lifetime.equals("Permanent") && (session.absoluteTimeout() == null || absolute == 0)) {
            why.add(field + ".absoluteTimeout: a Permanent cookie needs one");
        }
        String type = session.type() == null ? "Cookie" : session.type();
        if (!type.equals("Cookie") && !type.equals("Header")) {
            why.add(field + ".type: " + type + " is not Cookie or Header");
        }
        if (why.size() > reasons) {
            return null;
        }
        String kind = source.kind();
        String key = source.route().key();
        if (type.equals("Header")) {
            problems.add(Problem.warning(kind, key, field + ".type", "Header sessions are not served by Jingress (Cookie"
                    + " ones are); the rule is served without session persistence"));
            return null;
        }
        if (rule.backendRefs().stream().filter(ref -> ref.weight() > 0).count() > 1) {
            problems.add(Problem.warning(kind, key, field, "not served by Jingress on a rule that splits its requests"
                    + " among backendRefs; the rule is served without session persistence"));
            return null;
        }
        Long maxAge = null;
        if (lifetime.equals("Permanent")) {
            maxAge = Math.max(1, absolute / 1000);
        } else if (absolute > 0) {
            problems.add(Problem.warning(kind, key, field + ".absoluteTimeout", "not applied to a Session cookie, which"
                    + " lasts until the browser closes (cookieConfig.lifetimeType: Permanent makes it the cookie's Max-Age)"));
        }
        return SessionCookie.ofSessionPersistence(session.sessionName() == null ? BalancerPolicy.DEFAULT_AFFINITY_COOKIE
                : session.sessionName(), maxAge);
    }

    /** A CORS filter read, or null with the reasons in {@code why}. */
    private static RouteCors cors(HttpRouteFilter.Cors cors, String field, List<String> why) {
        int reasons = why.size();
        for (int i = 0; i < cors.allowOrigins().size(); i++) {
            String origin = cors.allowOrigins().get(i);
            if (origin == null || !origin.equals("*") && !CORS_ORIGIN.matcher(origin).matches()) {
                why.add(field + ".allowOrigins[" + i + "]: \"" + origin + "\" is not an origin (scheme://host[:port], the"
                        + " host's first label may be *) nor *");
            }
        }
        tokensOrStar(cors.allowMethods(), field + ".allowMethods", why);
        tokensOrStar(cors.allowHeaders(), field + ".allowHeaders", why);
        tokensOrStar(cors.exposeHeaders(), field + ".exposeHeaders", why);
        if (cors.maxAge() != null && cors.maxAge() < 1) {
            why.add(field + ".maxAge: " + cors.maxAge() + " is not a positive number of seconds");
        }
        if (why.size() > reasons) {
            return null;
        }
        return RouteCors.ofFilter(cors.allowOrigins(), Boolean.TRUE.equals(cors.allowCredentials()), cors.allowMethods(),
                cors.allowHeaders(), cors.exposeHeaders(), cors.maxAge() == null ? 5 : cors.maxAge());
    }

    // names (methods, header names) that are tokens, or * alone
    private static void tokensOrStar(List<String> names, String field, List<String> why) {
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            if (name == null || !name.equals("*") && !name.matches(TOKEN)) {
                why.add(field + "[" + i + "]: \"" + name + "\" is not a token nor *");
            } else if (name.equals("*") && names.size() > 1) {
                why.add(field + "[" + i + "]: * must be the only entry");
            }
        }
    }

    private static void once(Object already, String at, String type, List<String> why) {
        if (already != null) {
            why.add(at + ": a second " + type + " filter in one rule");
        }
    }

    private Match match(HttpRouteMatch match, String field, int index, List<String> why) {
        HttpRouteMatch.Path path = match.path() == null ? new HttpRouteMatch.Path(null, null) : match.path();
        PathType type;
        String pathRegex = null;
        if (HttpRouteMatch.EXACT.equals(path.type())) {
            type = PathType.EXACT;
        } else if (HttpRouteMatch.PATH_PREFIX.equals(path.type())) {
            type = PathType.PREFIX;
        } else if (HttpRouteMatch.REGULAR_EXPRESSION.equals(path.type())) {
            // PathPrefix of the regex's literal start (whole segments; else /), with the condition
            // that the regex match the whole (normalised) path
            if (!compiles(path.value(), field + ".path.value", why)) {
                return null;
            }
            type = PathType.PREFIX;
            pathRegex = path.value();
        } else {
            why.add(field + ".path.type: " + path.type() + " is not Exact, PathPrefix or RegularExpression");
            return null;
        }
        String value = pathRegex != null ? literalPrefix(pathRegex) : path.value();
        if (pathRegex != null && !value.equals(RequestPaths.normalize(value))) {
            value = "/";  // a literal start such as /a//b: the regex's paths are not under one normalised prefix
        }
        String trimmed = type == PathType.PREFIX && value.length() > 1 && value.endsWith("/")
                ? value.substring(0, value.length() - 1) : value;
        String normalized = RequestPaths.normalize(trimmed);
        if (normalized == null || !normalized.equals(trimmed)) {
            why.add(field + ".path.value: \"" + value + "\" is not a normalised absolute path");
            return null;
        }
        List<String[]> headers = headers(match.headers(), field, why);
        if (headers == null) {
            return null;
        }
        List<String[]> params = new ArrayList<>();
        for (int q = 0; q < match.queryParams().size(); q++) {
            HttpRouteMatch.Header param = match.queryParams().get(q);
            String at = field + ".queryParams[" + q + "]";
            if (param.name().isEmpty()) {
                why.add(at + ".name: empty");
                return null;
            }
            String[] pair = pair(param, at, why);
            if (pair == null) {
                return null;
            }
            params.add(pair);
        }
        if (match.method() != null && !METHODS.contains(match.method())) {
            why.add(field + ".method: \"" + match.method() + "\" is not one of " + String.join(", ", METHODS.stream().sorted().toList()));
            return null;
        }
        RouteConditions conditions = match.method() == null && headers.isEmpty() && params.isEmpty() && pathRegex == null ? null
                : new RouteConditions(match.method(), headers, params, null, pathRegex);
        return new Match(type, normalized, conditions, index);
    }

    // the header matches as name/value pairs; null (reported in why) when one is not served
    private static List<String[]> headers(List<HttpRouteMatch.Header> matches, String field, List<String> why) {
        List<String[]> headers = new ArrayList<>();
        for (int h = 0; h < matches.size(); h++) {
            HttpRouteMatch.Header header = matches.get(h);
            String at = field + ".headers[" + h + "]";
            if (!header.name().matches(TOKEN)) {
                why.add(at + ".name: \"" + header.name() + "\" is not a header name");
                return null;
            }
            String[] pair = pair(header, at, why);
            if (pair == null) {
                return null;
            }
            headers.add(pair);
        }
        return headers;
    }

    /**
     * The whole segments a path regex's matches all start with: its literal start (letters, digits,
     * {@code / - _ ~}, none made optional by a quantifier) cut at its last slash; {@code /} when
     * there is none, or when the regex has an alternation ({@code |}), which may not share it.
     * {@code /shops/[0-9]+/reports} gives {@code /shops}.
     */
    static String literalPrefix(String regex) {
        if (regex.indexOf('|') >= 0) {
            return "/";
        }
        int end = 0;
        while (end < regex.length() && isLiteral(regex.charAt(end))) {
            end++;
        }
        if (end < regex.length() && "?*{".indexOf(regex.charAt(end)) >= 0) {
            end--;  // the char before such a quantifier may be absent
        }
        int slash = regex.lastIndexOf('/', end - 1);
        if (!regex.startsWith("/") || slash <= 0) {
            return "/";
        }
        return regex.substring(0, slash);
    }

    private static boolean isLiteral(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '/' || c == '-' || c == '_'
                || c == '~';
    }

    // a header or query match as RouteConditions takes it: name and value, and a mark for a regex;
    // null (reported in why) for another type, or a regex that does not compile
    private static String[] pair(HttpRouteMatch.Header match, String at, List<String> why) {
        if (HttpRouteMatch.EXACT.equals(match.type())) {
            return new String[] {match.name(), match.value()};
        }
        if (!HttpRouteMatch.REGULAR_EXPRESSION.equals(match.type())) {
            why.add(at + ".type: " + match.type() + " is not Exact or RegularExpression");
            return null;
        }
        if (!compiles(match.value(), at + ".value", why)) {
            return null;
        }
        return new String[] {match.name(), match.value(), HttpRouteMatch.REGULAR_EXPRESSION};
    }

    // whether a RegularExpression match's regex compiles; else a reason in why
    private static boolean compiles(String regex, String field, List<String> why) {
        try {
            java.util.regex.Pattern.compile(regex);
            return true;
        } catch (java.util.regex.PatternSyntaxException e) {
            why.add(field + ": \"" + regex + "\" is not a regular expression (" + e.getDescription() + ")");
            return false;
        }
    }

    private static Match grpcMatch(GrpcRouteMatch match, String field, int index, List<String> why) {
        PathType type = PathType.PREFIX;
        String path = "/";
        String methodAlone = null;
        GrpcRouteMatch.Method method = match.method();
        if (method != null) {
            if (!HttpRouteMatch.EXACT.equals(method.type())) {
                why.add(field + ".method.type: " + method.type() + (HttpRouteMatch.REGULAR_EXPRESSION.equals(method.type())
                        ? " is not served by Jingress (Exact is)" : " is not Exact or RegularExpression"));
                return null;
            }
            if (method.service() == null && method.method() == null) {
                why.add(field + ".method: neither service nor method is given");
                return null;
            }
            if (method.service() != null && !GRPC_SERVICE.matcher(method.service()).matches()) {
                why.add(field + ".method.service: \"" + method.service() + "\" is not a gRPC service name");
                return null;
            }
            if (method.method() != null && !GRPC_METHOD.matcher(method.method()).matches()) {
                why.add(field + ".method.method: \"" + method.method() + "\" is not a gRPC method name");
                return null;
            }
            if (method.service() == null) {
                methodAlone = method.method();
            } else if (method.method() == null) {
                path = "/" + method.service();
            } else {
                type = PathType.EXACT;
                path = "/" + method.service() + "/" + method.method();
            }
        }
        List<String[]> headers = headers(match.headers(), field, why);
        if (headers == null) {
            return null;
        }
        RouteConditions conditions = methodAlone == null && headers.isEmpty() ? null
                : new RouteConditions(null, headers, List.of(), methodAlone);
        return new Match(type, path, conditions, index);
    }

    private static boolean headersOk(HttpRouteFilter.HeaderModifier modifier, String field, List<String> why) {
        if (modifier == null) {
            why.add(field + ": missing");
            return false;
        }
        List<HttpRouteFilter.Header> all = new ArrayList<>(modifier.set());
        all.addAll(modifier.add());
        for (HttpRouteFilter.Header header : all) {
            if (!header.name().matches(TOKEN)) {
                why.add(field + ": \"" + header.name() + "\" is not a header name");
                return false;
            }
            if (header.value().indexOf('\r') >= 0 || header.value().indexOf('\n') >= 0 || header.value().indexOf('\0') >= 0) {
                why.add(field + ": the value of " + header.name() + " has a CR, LF or NUL");
                return false;
            }
            if (PROXY_WRITES.contains(header.name().toLowerCase(java.util.Locale.ROOT))) {
                why.add(field + ": " + header.name() + " is a header the proxy writes itself");
                return false;
            }
        }
        for (String name : modifier.remove()) {
            if (!name.matches(TOKEN)) {
                why.add(field + ".remove: \"" + name + "\" is not a header name");
                return false;
            }
            if (PROXY_WRITES.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                why.add(field + ".remove: " + name + " is a header the proxy writes itself");
                return false;
            }
        }
        return true;
    }

    private static boolean redirectOk(HttpRouteFilter.Redirect redirect, String field, List<String> why) {
        if (redirect == null) {
            why.add(field + ": missing");
            return false;
        }
        if (redirect.scheme() != null && !redirect.scheme().equals("http") && !redirect.scheme().equals("https")) {
            why.add(field + ".scheme: \"" + redirect.scheme() + "\" is not http or https");
            return false;
        }
        if (redirect.hostname() != null && !GatewayHostnames.valid(redirect.hostname()) || redirect.hostname() != null
                && redirect.hostname().startsWith("*.")) {
            why.add(field + ".hostname: \"" + redirect.hostname() + "\" is not a DNS name");
            return false;
        }
        if (redirect.port() != null && (redirect.port() < 1 || redirect.port() > 65535)) {
            why.add(field + ".port: " + redirect.port() + " is not a port number");
            return false;
        }
        if (redirect.statusCode() != null && redirect.statusCode() != 301 && redirect.statusCode() != 302) {
            why.add(field + ".statusCode: " + redirect.statusCode() + " is not 301 or 302");
            return false;
        }
        return pathOk(redirect.path(), field + ".path", why);
    }

    private static boolean rewriteOk(HttpRouteFilter.Rewrite rewrite, String field, List<String> why) {
        if (rewrite == null) {
            why.add(field + ": missing");
            return false;
        }
        if (rewrite.hostname() != null && (!GatewayHostnames.valid(rewrite.hostname()) || rewrite.hostname().startsWith("*."))) {
            why.add(field + ".hostname: \"" + rewrite.hostname() + "\" is not a DNS name");
            return false;
        }
        return pathOk(rewrite.path(), field + ".path", why);
    }

    private static boolean pathOk(HttpRouteFilter.PathModifier path, String field, List<String> why) {
        if (path == null) {
            return true;
        }
        if (!HttpRouteFilter.REPLACE_FULL_PATH.equals(path.type()) && !HttpRouteFilter.REPLACE_PREFIX_MATCH.equals(path.type())) {
            why.add(field + ".type: " + path.type() + " is not ReplaceFullPath or ReplacePrefixMatch");
            return false;
        }
        String normalized = RequestPaths.normalize(path.value());
        if (normalized == null || !normalized.equals(path.value())) {
            why.add(field + ": \"" + path.value() + "\" is not a normalised absolute path");
            return false;
        }
        return true;
    }

    // A backendRef: a Service of the route's namespace, or of another that a ReferenceGrant opens to it
    private Backend backendOf(GatewayRoute source, HttpBackendRef ref, String field, BalancerPolicy balancing,
            Findings findings) {
        HttpRoute route = source.route();
        String kind = source.kind();
        String namespace = ref.namespace() == null ? route.namespace() : ref.namespace();
        String key = namespace + "/" + ref.name() + ":" + (ref.port() == null ? "?" : ref.port());
        Refusal refusal = refusal(source, ref, namespace);
        if (refusal != null) {
            String at = refusal.port() ? field + ".port" : field;
            String message = refusal.message() + "; its share of the requests is answered " + invalidAnswer(source);
            problems.add(Problem.warning(kind, route.key(), at, message));
            findings.unresolved(refusal.reason(), at + ": " + message);
            return backends.invalid(key, namespace, ref.name(), refusal.message());
        }
        Backend backend = backends.service(namespace, ref.name(), ref.port(), balancing);
        if (backend.status() == Backend.Status.SERVICE_NOT_FOUND || backend.status() == Backend.Status.PORT_NOT_FOUND) {
            String message = backend.reason() + "; its share of the requests is answered " + invalidAnswer(source);
            problems.add(Problem.warning(kind, route.key(), field, message));
            findings.unresolved("BackendNotFound", field + ": " + message);
            return backends.invalid(key, namespace, ref.name(), backend.reason());
        }
        if (!backend.isReady()) {
            problems.add(Problem.warning(kind, route.key(), field, backend.reason()));
        }
        BackendTlsPolicies.Applied tls = tlsPolicies.forPort(namespace, ref.name(), ref.port());
        if (tls != null) {
            findings.tlsPolicies.add(tls.policy());
            return backend.withTls(clientCertificate == null ? tls.ssl() : tls.ssl().withClientCertificate(clientCertificate));
        }
        return backend;
    }

    // what the proxy answers for a backend that is not valid: the Gateway API's 500, or for a GRPCRoute
    // UNAVAILABLE, which gRPC clients read in a 503
    private static String invalidAnswer(GatewayRoute source) {
        return source.isGrpc() ? "503 (UNAVAILABLE)" : "500";
    }

    private Refusal refusal(GatewayRoute source, HttpBackendRef ref, String namespace) {
        HttpRoute route = source.route();
        if (!ref.group().isEmpty() || !ref.kind().equals("Service")) {
            return new Refusal("InvalidKind", (ref.group().isEmpty() ? "" : ref.group() + "/") + ref.kind()
                    + " is not a backend Jingress serves (Services are)", false);
        }
        if (ref.port() == null) {
            return new Refusal("UnsupportedValue", "a Service backendRef needs a port", true);
        }
        if (ref.port() < 1 || ref.port() > 65535) {
            return new Refusal("UnsupportedValue", ref.port() + " is not a port number", true);
        }
        if (!namespace.equals(route.namespace())
                && !GatewayListeners.granted(grants, source.kind(), route.namespace(), namespace, "Service", ref.name())) {
            return new Refusal("RefNotPermitted", "Service " + namespace + "/" + ref.name() + " is in another namespace"
                    + " and no ReferenceGrant in " + namespace + " allows " + source.kind() + "s of " + route.namespace()
                    + " to refer to it", false);
        }
        return null;
    }

    // the mirror's target: an endpoint of its Service, taken at compile time (the table is compiled anew
    // when endpoints change); none ready: the mirror is left out, reported
    private RequestMirror mirrorOf(GatewayRoute source, HttpBackendRef ref, String field, Findings findings) {
        HttpRoute route = source.route();
        String namespace = ref.namespace() == null ? route.namespace() : ref.namespace();
        Refusal refusal = refusal(source, ref, namespace);
        String reason = refusal == null ? null : (refusal.port() ? "port: " : "") + refusal.message();
        Backend backend = reason == null ? backends.service(namespace, ref.name(), ref.port(), BalancerPolicy.ROUND_ROBIN) : null;
        if (backend != null && !backend.isReady()) {
            reason = backend.reason();
            if (backend.status() == Backend.Status.SERVICE_NOT_FOUND || backend.status() == Backend.Status.PORT_NOT_FOUND) {
                refusal = new Refusal("BackendNotFound", reason, false);
            }
        }
        BackendTlsPolicies.Applied tls = reason == null ? tlsPolicies.forPort(namespace, ref.name(), ref.port()) : null;
        if (tls != null) {
            // copies go in cleartext to one endpoint: never to one a policy asks to speak to over TLS
            reason = "BackendTLSPolicy " + tls.policy() + " applies to Service " + namespace + "/" + ref.name()
                    + ", and Jingress mirrors in cleartext only";
        }
        if (reason != null) {
            String message = "RequestMirror: " + reason + "; no copies are sent";
            problems.add(Problem.warning(source.kind(), route.key(), field, message));
            if (refusal != null) {
                findings.unresolved(refusal.reason(), field + ": " + message);
            }
            return null;
        }
        var endpoint = backend.endpoints().get(0);
        String address = endpoint.address().indexOf(':') >= 0 ? "[" + endpoint.address() + "]" : endpoint.address();
        return new RequestMirror("http://" + address + ":" + endpoint.port() + RequestMirror.REQUEST_URI,
                ref.name() + "." + namespace, true);
    }
}
