package io.jingress.core.route;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads the annotations that change the headers sent upstream or back, and the access log:
 * {@code upstream-vhost} (the {@code Host} sent upstream), {@code x-forwarded-prefix} (an
 * {@code X-Forwarded-Prefix} sent with a rewritten path), {@code enable-access-log} and
 * {@code proxy-redirect-from}/{@code proxy-redirect-to} (the endpoint's {@code Location} rewritten).
 * Each is checked as ingress-nginx checks it, or more narrowly where ingress-nginx would pass nginx
 * variables we do not fill in; a value not taken is a problem, and that setting is left as without
 * the annotation.
 */
final class HeaderAnnotations {
    static final String UPSTREAM_VHOST = "upstream-vhost";
    static final String X_FORWARDED_PREFIX = "x-forwarded-prefix";
    static final String ENABLE_ACCESS_LOG = "enable-access-log";
    static final String PROXY_REDIRECT_FROM = "proxy-redirect-from";
    static final String PROXY_REDIRECT_TO = "proxy-redirect-to";
    static final List<String> NAMES = List.of(UPSTREAM_VHOST, X_FORWARDED_PREFIX, ENABLE_ACCESS_LOG, PROXY_REDIRECT_FROM,
            PROXY_REDIRECT_TO);

    // a DNS name (letters, digits, '-', '_', dots) or an IPv4 address, or an IPv6 one in brackets;
    // then an optional port
    private static final Pattern HOST = Pattern.compile(
            "(?:[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\\.?"
                    + "|\\[[0-9A-Fa-f:.]{2,45}\\])(?::([0-9]{1,5}))?");
    // ingress-nginx's BasicCharsRegex: letters, digits and - . _ ~ / :
    private static final Pattern PREFIX = Pattern.compile("[-._~A-Za-z0-9/:]+");
    // ingress-nginx's URLIsValidRegex: the same and ? & =
    private static final Pattern URL = Pattern.compile("[-._~A-Za-z0-9/:?&=]+");

    private HeaderAnnotations() {
    }

    static void read(Map<String, String> annotations, RoutePolicy.Builder builder, List<String> problems) {
        readUpstreamVhost(annotations, builder, problems);
        readForwardedPrefix(annotations, builder, problems);
        readAccessLog(annotations, builder, problems);
        readProxyRedirect(annotations, builder, problems);
    }

    private static void readUpstreamVhost(Map<String, String> annotations, RoutePolicy.Builder builder, List<String> problems) {
        RouteAnnotations.Named named = RouteAnnotations.value(annotations, UPSTREAM_VHOST);
        if (named == null || named.value().isEmpty()) {
            return;
        }
        if (!isHost(named.value())) {
            problems.add(named.quoted() + " is not a host name, optionally with :port (nginx variables are not filled in):"
                    + " the client's Host is sent upstream");
            return;
        }
        builder.upstreamHost(named.value());
    }

    /** Whether {@code value} is a host name or address, optionally with a port from 1 to 65535. */
    static boolean isHost(String value) {
        if (value.length() > 253 + 6) {
            return false;
        }
        var matcher = HOST.matcher(value);
        if (!matcher.matches()) {
            return false;
        }
        String port = matcher.group(1);
        if (port != null) {
            int number = Integer.parseInt(port);
            return number >= 1 && number <= 65535;
        }
        return true;
    }

    private static void readForwardedPrefix(Map<String, String> annotations, RoutePolicy.Builder builder, List<String> problems) {
        RouteAnnotations.Named named = RouteAnnotations.value(annotations, X_FORWARDED_PREFIX);
        if (named == null || named.value().isEmpty()) {
            return;
        }
        if (!PREFIX.matcher(named.value()).matches()) {
            problems.add(named.quoted() + " is not a path prefix (letters, digits and - . _ ~ / : only):"
                    + " no X-Forwarded-Prefix is sent");
            return;
        }
        if (RouteAnnotations.value(annotations, RegexAnnotations.REWRITE_TARGET) == null) {
            problems.add(named.quoted() + " is sent only with a rewritten path, as in ingress-nginx, and the Ingress has"
                    + " no rewrite-target: no X-Forwarded-Prefix is sent");
            return;
        }
        builder.forwardedPrefix(named.value());
    }

    private static void readAccessLog(Map<String, String> annotations, RoutePolicy.Builder builder, List<String> problems) {
        RouteAnnotations.Named named = RouteAnnotations.value(annotations, ENABLE_ACCESS_LOG);
        if (named == null) {
            return;
        }
        Boolean enabled = RouteAnnotations.parseBool(named.value());
        if (enabled == null) {
            problems.add(named.quoted() + " is neither true nor false: the Ingress's requests are logged");
            return;
        }
        if (!enabled) {
            builder.accessLogOff();
        }
    }

    private static void readProxyRedirect(Map<String, String> annotations, RoutePolicy.Builder builder, List<String> problems) {
        RouteAnnotations.Named from = RouteAnnotations.value(annotations, PROXY_REDIRECT_FROM);
        RouteAnnotations.Named to = RouteAnnotations.value(annotations, PROXY_REDIRECT_TO);
        boolean fromSet = from != null && !from.value().isEmpty();
        boolean toSet = to != null && !to.value().isEmpty();
        if (!fromSet && !toSet) {
            return;
        }
        String unchanged = ": Location headers are passed on unchanged";
        boolean bad = false;
        for (RouteAnnotations.Named named : new RouteAnnotations.Named[] {from, to}) {
            if (named != null && !named.value().isEmpty() && !URL.matcher(named.value()).matches()) {
                problems.add(named.quoted() + " is not a URL or path (letters, digits and - . _ ~ / : ? & = only)" + unchanged);
                bad = true;
            }
        }
        if (bad) {
            return;
        }
        // as ingress-nginx's template: "off" and "default" give nginx's proxy_redirect off or default,
        // which for ingress-nginx's proxy_pass (an upstream name, no URI) changes nothing an endpoint sends
        if (fromSet && isOffOrDefault(from.value())) {
            return;
        }
        if (!fromSet) {
            problems.add(to.quoted() + " without " + RouteAnnotations.NGINX_PREFIX + PROXY_REDIRECT_FROM + unchanged);
            return;
        }
        if (!toSet || to.value().equals("off")) {
            problems.add(from.quoted() + " without " + RouteAnnotations.NGINX_PREFIX + PROXY_REDIRECT_TO + unchanged);
            return;
        }
        builder.proxyRedirect(new ProxyRedirect(from.value(), to.value()));
    }

    private static boolean isOffOrDefault(String value) {
        return value.equals("off") || value.equals("default");
    }
}
