package io.jingress.jetty.internal.proxy;

import io.jingress.core.route.CookieRewrite;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;

/**
 * The endpoint's {@code Set-Cookie} fields as the client receives them on a route with
 * {@code proxy-cookie-domain} or {@code proxy-cookie-path} ({@link CookieRewrite}): called only for
 * a {@code Set-Cookie} field of such a route, so other routes and fields pay nothing.
 */
final class PolicyCookies {
    private PolicyCookies() {
    }

    /** The field for the endpoint's {@code Set-Cookie} {@code field}: rewritten, or {@code field} itself. */
    static HttpField rewritten(CookieRewrite rewrite, HttpField field) {
        String value = rewrite.rewrite(field.getValue());
        return value == null ? field : new HttpField(HttpHeader.SET_COOKIE, value);
    }
}
