package io.jingress.core.route;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads ingress-nginx's external authentication ({@code auth-url} and its companions) into an
 * {@link ExternalAuth}. Security first: what would change who is let in and cannot be used as
 * written ({@code auth-url}, {@code auth-method}, {@code auth-response-headers}, and the
 * {@code auth-snippet} and {@code auth-proxy-set-headers} Jingress does not implement) makes the
 * routes answer 503, as ingress-nginx denies such a location; what only changes how a refusal
 * looks ({@code auth-signin}, {@code auth-request-redirect}, {@code auth-signin-redirect-param},
 * {@code auth-always-set-cookie}) is a problem and its default is used; {@code auth-cache-*}
 * are read by {@link AuthCacheAnnotations}, {@code auth-keepalive*} by {@link AuthKeepaliveAnnotations}.
 */
final class ExternalAuthAnnotations {
    static final String URL = "auth-url";
    static final String METHOD = "auth-method";
    static final String SIGNIN = "auth-signin";
    static final String SIGNIN_REDIRECT_PARAM = "auth-signin-redirect-param";
    static final String RESPONSE_HEADERS = "auth-response-headers";
    static final String REQUEST_REDIRECT = "auth-request-redirect";
    static final String ALWAYS_SET_COOKIE = "auth-always-set-cookie";
    static final String PROXY_SET_HEADERS = "auth-proxy-set-headers";
    static final String SNIPPET = "auth-snippet";
    static final String CACHE_KEY = AuthCacheAnnotations.KEY;
    static final String CACHE_DURATION = AuthCacheAnnotations.DURATION;
    private static final List<String> KEEPALIVE = AuthKeepaliveAnnotations.NAMES;
    /** The names read here, without prefix. */
    static final List<String> NAMES = List.of(URL, METHOD, SIGNIN, SIGNIN_REDIRECT_PARAM, RESPONSE_HEADERS, REQUEST_REDIRECT,
            ALWAYS_SET_COOKIE, PROXY_SET_HEADERS, SNIPPET, CACHE_KEY, CACHE_DURATION, KEEPALIVE.get(0), KEEPALIVE.get(1),
            KEEPALIVE.get(2), KEEPALIVE.get(3));

    // as ingress-nginx's authreq parser, but CONNECT, which would make Jetty's client open a tunnel
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE");
    private static final String DENIED = "the Ingress's routes answer 503 (never served without authentication)";
    // placeholders of variables in a URL's shape (see authorityProblem)
    private static final char HOST_MARK = '\u0001';
    private static final char OTHER_MARK = '\u0000';

    private ExternalAuthAnnotations() {
    }

    /** Sets the policy's external authentication from {@code annotations}, adding a sentence a problem. */
    static void read(Map<String, String> annotations, RoutePolicy.Builder builder, List<String> problems) {
        RouteAnnotations.Named url = RouteAnnotations.value(annotations, URL);
        if (url == null || url.value().isEmpty()) {
            for (String name : NAMES) {
                RouteAnnotations.Named other = RouteAnnotations.value(annotations, name);
                if (other != null && !other.value().isEmpty() && !name.equals(URL)) {
                    problems.add(other.quoted() + " has no effect without " + URL);
                }
            }
            return;
        }
        String refusal = null;
        List<RouteRedirect.Part> kinds = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        String bad = RedirectAnnotations.parseLocation(url.value(), kinds, texts, true);
        boolean[] hostInUrl = new boolean[1];
        if (bad == null) {
            bad = authorityProblem(kinds, texts, hostInUrl);
        }
        RouteRedirect urlTemplate = null;
        if (bad != null) {
            refusal = URL + " cannot be used: " + bad;
            problems.add(new RouteAnnotations.Named(url.name(), withoutUserInfo(url.value())).quoted() + " cannot be used: "
                    + bad + "; " + DENIED);
        } else {
            urlTemplate = new RouteRedirect(302, url.value(), URL, false, kinds, texts);
        }

        String method = null;
        RouteAnnotations.Named methodNamed = RouteAnnotations.value(annotations, METHOD);
        if (methodNamed != null && !methodNamed.value().isEmpty()) {
            if (METHODS.contains(methodNamed.value())) {
                method = methodNamed.value();
            } else {
                refusal = first(refusal, METHOD + " is not a method the auth service can be asked with");
                problems.add(methodNamed.quoted() + " is not a method Jingress asks an auth service with (" + String.join(", ",
                        List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE")) + "); " + DENIED);
            }
        }

        List<String> responseHeaders = new ArrayList<>();
        RouteAnnotations.Named headers = RouteAnnotations.value(annotations, RESPONSE_HEADERS);
        if (headers != null && !headers.value().isEmpty()) {
            for (String header : headers.value().split(",")) {
                header = header.trim();
                if (header.isEmpty()) {
                    continue;
                }
                if (!isHeaderName(header)) {
                    refusal = first(refusal, RESPONSE_HEADERS + " is not a list of header names");
                    problems.add(headers.quoted() + " is not a comma-separated list of header names (letters, digits, - and _): "
                            + "\"" + header + "\"; " + DENIED);
                    break;
                }
                responseHeaders.add(header);
            }
        }

        for (String unimplemented : List.of(SNIPPET, PROXY_SET_HEADERS)) {
            RouteAnnotations.Named named = RouteAnnotations.value(annotations, unimplemented);
            if (named != null && !named.value().isEmpty()) {
                refusal = first(refusal, unimplemented + " is not implemented");
                problems.add(named.quoted() + " is not implemented: what it changes in the auth request cannot be"
                        + " known, so " + DENIED + "; remove it if the auth service does without it (Jingress sends"
                        + " X-Original-URL, X-Original-Method, X-Forwarded-Host, X-Forwarded-For and X-Real-IP itself)");
            }
        }

        String param = ExternalAuth.DEFAULT_REDIRECT_PARAM;
        RouteAnnotations.Named paramNamed = RouteAnnotations.value(annotations, SIGNIN_REDIRECT_PARAM);
        if (paramNamed != null && !paramNamed.value().isEmpty()) {
            if (isQueryName(paramNamed.value())) {
                param = paramNamed.value();
            } else {
                problems.add(paramNamed.quoted() + " is not a query parameter's name (letters, digits, -, ., _ and ~): "
                        + ExternalAuth.DEFAULT_REDIRECT_PARAM + " is used");
            }
        }
        RouteRedirect signin = signin(RouteAnnotations.value(annotations, SIGNIN), param, problems);

        RouteRedirect requestRedirect = null;
        RouteAnnotations.Named redirectNamed = RouteAnnotations.value(annotations, REQUEST_REDIRECT);
        if (redirectNamed != null && !redirectNamed.value().isEmpty()) {
            List<RouteRedirect.Part> redirectKinds = new ArrayList<>();
            List<String> redirectTexts = new ArrayList<>();
            String badRedirect = RedirectAnnotations.parseText(redirectNamed.value(), redirectKinds, redirectTexts, true);
            if (badRedirect == null) {
                requestRedirect = new RouteRedirect(302, redirectNamed.value(), REQUEST_REDIRECT, false, redirectKinds, redirectTexts);
            } else {
                problems.add(redirectNamed.quoted() + " is not used: " + badRedirect
                        + "; X-Auth-Request-Redirect is the request's $request_uri");
            }
        }

        boolean alwaysSetCookie = false;
        RouteAnnotations.Named always = RouteAnnotations.value(annotations, ALWAYS_SET_COOKIE);
        if (always != null && !always.value().isEmpty()) {
            Boolean on = RouteAnnotations.parseBool(always.value());
            if (on == null) {
                problems.add(always.quoted() + " is neither true nor false: read as false, as ingress-nginx does");
            } else {
                alwaysSetCookie = on;
            }
        }

        AuthKeepalive keepalive = AuthKeepaliveAnnotations.read(annotations, problems);
        AuthCache cache = AuthCacheAnnotations.read(annotations, method, problems);
        builder.externalAuth(new ExternalAuth(url.value(), refusal == null ? urlTemplate : null, hostInUrl[0], method,
                signin, responseHeaders, requestRedirect, alwaysSetCookie, refusal, cache, keepalive));
    }

    private static String first(String refusal, String reason) {
        return refusal != null ? refusal : reason;
    }

    /**
     * The redirect of {@code auth-signin}: its URL with {@code PARAM=$scheme://$http_host$escaped_request_uri}
     * added, as ingress-nginx's {@code buildAuthSignURL} does, unless its query has that parameter
     * already; null when not set or refused.
     */
    private static RouteRedirect signin(RouteAnnotations.Named named, String param, List<String> problems) {
        if (named == null || named.value().isEmpty()) {
            return null;
        }
        String url = named.value();
        int question = url.indexOf('?');
        int hash = url.indexOf('#', question < 0 ? 0 : question);
        String query = question < 0 ? "" : url.substring(question + 1, hash < 0 ? url.length() : hash);
        boolean anyParameter = false;
        boolean hasParam = false;
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            anyParameter = true;
            int equals = pair.indexOf('=');
            if (equals > 0 && pair.substring(0, equals).equals(param) && equals + 1 < pair.length()) {
                hasParam = true;
            }
        }
        if (!hasParam) {
            String rd = param + "=$scheme://$http_host$escaped_request_uri";
            url = !anyParameter ? (question < 0 ? url + "?" + rd : url.substring(0, question + 1) + rd) : url + "&" + rd;
        }
        List<RouteRedirect.Part> kinds = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        String bad = RedirectAnnotations.parseLocation(url, kinds, texts, true);
        if (bad != null) {
            problems.add(named.quoted() + " is not used: " + bad + "; a request the auth service answers 401 is answered 401");
            return null;
        }
        return new RouteRedirect(302, url, SIGNIN, false, kinds, texts);
    }

    /**
     * Why the URL's host may be chosen by the request, or null: its authority (scheme to the first
     * {@code /}, {@code ?} or {@code #}) holds text and {@code $host} only. Sets {@code hostInUrl[0]}
     * when it holds {@code $host}.
     */
    static String authorityProblem(List<RouteRedirect.Part> kinds, List<String> texts, boolean[] hostInUrl) {
        StringBuilder shape = new StringBuilder();
        for (int i = 0; i < kinds.size(); i++) {
            switch (kinds.get(i)) {
                case TEXT -> shape.append(texts.get(i));
                case SCHEME -> shape.append("http");
                case HOST -> shape.append(HOST_MARK);
                case REQUEST_URI, URI -> shape.append('/').append(OTHER_MARK);  // always starts with /
                default -> shape.append(OTHER_MARK);
            }
        }
        int start = shape.indexOf("://");
        if (start < 0) {
            return "it is not an absolute http:// or https:// URL";
        }
        start += 3;
        int end = start;
        while (end < shape.length() && "/?#".indexOf(shape.charAt(end)) < 0) {
            end++;
        }
        String authority = shape.substring(start, end);
        if (authority.isEmpty() || authority.startsWith(":")) {
            return "it names no host";
        }
        if (authority.indexOf('@') >= 0) {
            // java.net and Jetty's client drop it; nginx's proxy_pass takes none either
            return "it has a user name or password (user:password@host), which is not sent to the auth service; keep"
                    + " credentials out of the annotation";
        }
        if (authority.indexOf(OTHER_MARK) >= 0) {
            return "its host may name no variable but $host (the client would choose where the proxy calls)";
        }
        hostInUrl[0] = authority.indexOf(HOST_MARK) >= 0;
        return null;
    }

    /** {@code url} with what comes before an {@code @} of its authority written {@code ***}, so no password is logged. */
    static String withoutUserInfo(String url) {
        int start = url.indexOf("://");
        if (start < 0) {
            return url;
        }
        start += 3;
        int end = start;
        while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
            end++;
        }
        int at = url.lastIndexOf('@', end - 1);
        return at < start ? url : url.substring(0, start) + "***" + url.substring(at);
    }

    // ingress-nginx's ^[a-zA-Z\d\-_]+$
    private static boolean isHeaderName(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                return false;
            }
        }
        return !name.isEmpty();
    }

    private static boolean isQueryName(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_'
                    || c == '~')) {
                return false;
            }
        }
        return true;
    }
}
