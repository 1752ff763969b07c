package io.jingress.jetty.internal.proxy;

import io.jingress.core.route.PathRewrite;
import io.jingress.core.route.ProxyRedirect;
import io.jingress.core.route.RequestHeaders;
import io.jingress.core.route.RoutePolicy;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;

/**
 * The headers an Ingress's annotations change. Upstream: {@code upstream-vhost} replaces the
 * {@code Host} sent (nginx's {@code proxy_set_header Host}), while {@code X-Forwarded-Host} keeps
 * naming the client's, as in ingress-nginx; {@code x-forwarded-prefix} adds
 * {@code X-Forwarded-Prefix} to a request whose path {@code rewrite-target} changes, as
 * ingress-nginx does (a client's own is never passed on: {@link ProxyHeaders}); the controller
 * ConfigMap's {@code proxy-set-headers} are set. Downstream:
 * {@code proxy-redirect-from}/{@code -to} rewrite the endpoint's {@code Location} and the URL of
 * its {@code Refresh} (nginx's {@code proxy_redirect FROM TO}). Called only for a route whose policy
 * is not {@link RoutePolicy#NONE}: the lean path ({@link RequestHead}) writes the same values
 * straight into its head.
 */
final class PolicyHeaders {
    static final String X_FORWARDED_PREFIX = "X-Forwarded-Prefix";
    private static final String REFRESH = "Refresh";

    private PolicyHeaders() {
    }

    /** The {@code X-Forwarded-Prefix} for this request: the policy's, when its rewrite changes this route's path; else null. */
    static String forwardedPrefix(Exchange exchange, RoutePolicy policy) {
        String prefix = policy.forwardedPrefix();
        if (prefix == null) {
            return null;
        }
        PathRewrite rewrite = policy.rewrite();
        return rewrite != null && rewrite.appliesTo(exchange.route) ? prefix : null;
    }

    /**
     * The controller ConfigMap's {@code proxy-set-headers}, each replacing the client's field of its
     * name (none is a field the proxy writes itself: the compiler refuses those).
     */
    static void setConfigured(RoutePolicy policy, HttpFields.Mutable proxyToServerHeaders) {
        RequestHeaders set = policy.requestHeaders();
        if (set != null) {
            set.headers().forEach(proxyToServerHeaders::put);
        }
    }

    /** After the forwarded headers were added (naming the client's host): the policy's Host and prefix. */
    static void addTo(Exchange exchange, RoutePolicy policy, HttpFields.Mutable proxyToServerHeaders) {
        setConfigured(policy, proxyToServerHeaders);
        String host = policy.upstreamHost();
        if (host != null) {
            proxyToServerHeaders.put(HttpHeader.HOST, host);
        }
        String prefix = forwardedPrefix(exchange, policy);
        if (prefix != null) {
            proxyToServerHeaders.put(X_FORWARDED_PREFIX, prefix);
        }
    }

    /**
     * The field the client receives for the endpoint's {@code field} under {@code redirect}: a
     * rewritten {@code Location} or {@code Refresh}, or {@code field} itself.
     */
    static HttpField redirected(ProxyRedirect redirect, HttpField field) {
        HttpHeader header = field.getHeader();
        if (header == HttpHeader.LOCATION) {
            String location = redirect.rewriteLocation(field.getValue());
            return location == null ? field : new HttpField(HttpHeader.LOCATION, location);
        }
        if (header == null && field.is(REFRESH)) {
            String refresh = redirect.rewriteRefresh(field.getValue());
            return refresh == null ? field : new HttpField(field.getName(), refresh);
        }
        return field;
    }
}
