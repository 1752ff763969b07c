package io.jingress.jetty.internal.proxy;

import io.jingress.core.route.Route;
import io.jingress.core.route.SessionCookie;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ListIterator;
import java.util.Locale;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;

/**
 * The {@code Set-Cookie} value of cookie affinity, as ingress-nginx writes it: attributes in
 * lua-resty-cookie's order ({@code Expires}, {@code Max-Age}, {@code Domain}, {@code Path},
 * {@code Secure}, {@code HttpOnly}, {@code SameSite}, then {@code Partitioned}); {@code Path} is {@code session-cookie-path},
 * else the route's path ({@code /} for the default backend and for a regex path, whose text
 * would be no cookie path); {@code Secure} over TLS or with {@code session-cookie-secure}. Built
 * only when a cookie is issued: a client that has one pays nothing here.
 */
final class AffinityCookies {
    // IMF-fixdate (RFC 9110), which RFC 6265 asks for; nginx's cookie_time writes a 2-digit year
    private static final DateTimeFormatter EXPIRES = DateTimeFormatter
            .ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    private AffinityCookies() {
    }

    static String setCookie(Exchange exchange, String name, String value) {
        Route route = exchange.route;
        SessionCookie cookie = route == null ? null : route.policy().sessionCookie();
        boolean overTls = exchange.secure();
        StringBuilder text = new StringBuilder(64).append(name).append('=').append(value);
        String path = cookie == null ? null : cookie.path();
        if (cookie != null) {
            if (cookie.expiresSeconds() != null) {
                Instant at = Instant.ofEpochSecond(System.currentTimeMillis() / 1000 + cookie.expiresSeconds());
                text.append("; Expires=").append(EXPIRES.format(at));
            }
            if (cookie.maxAgeSeconds() != null) {
                text.append("; Max-Age=").append(cookie.maxAgeSeconds());
            }
            if (cookie.domain() != null) {
                text.append("; Domain=").append(cookie.domain());
            }
        }
        text.append("; Path=").append(path != null ? path : routePath(route));
        if (overTls || cookie != null && cookie.secure()) {
            text.append("; Secure");
        }
        text.append("; HttpOnly");
        String sameSite = cookie == null ? null : cookie.sameSite();
        if (sameSite != null && !(cookie.conditionalSameSiteNone() && sameSite.equals("None")
                && !sameSiteNoneCompatible(exchange.getHeaders().get("User-Agent")))) {
            text.append("; SameSite=").append(sameSite);
        }
        if (cookie != null && cookie.partitioned()) {
            text.append("; Partitioned");
        }
        return text.toString();
    }

    /**
     * Puts the cookie the pick of the endpoint about to be tried issued (if any) on the answer of an
     * upgrade, which the tunnel writes itself from {@code headers} (the endpoint's 101, or its
     * refusal), and takes off {@code previous}, the one put for an endpoint that could not be
     * connected to: the cookie names the endpoint that answers. Returns the field put, or null.
     * Other {@code Set-Cookie} fields (the auth service's) stay.
     */
    static HttpField onUpgradeAnswer(Exchange exchange, HttpFields.Mutable headers, HttpField previous) {
        if (previous != null) {
            for (ListIterator<HttpField> fields = headers.listIterator(); fields.hasNext(); ) {
                if (fields.next() == previous) {
                    fields.remove();
                    break;
                }
            }
        }
        String cookie = exchange.affinityCookie;
        if (cookie == null) {
            return null;
        }
        HttpField field = new HttpField(HttpHeader.SET_COOKIE, cookie);
        headers.add(field);
        return field;
    }

    private static String routePath(Route route) {
        String path = route == null ? null : route.path();
        if (path == null || route.pathPattern() != null || !path.startsWith("/")) {
            return "/";
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c <= ' ' || c >= 0x7f || c == ';') {
                return "/";
            }
        }
        return path;
    }

    /**
     * Whether a User-Agent takes {@code SameSite=None}: ingress-nginx's list (after Chromium's
     * "SameSite=None: known incompatible clients"), substring for substring. No User-Agent: yes.
     */
    static boolean sameSiteNoneCompatible(String userAgent) {
        if (userAgent == null) {
            return true;
        }
        if (userAgent.contains("Chrome/4") || userAgent.contains("Chrome/5") || userAgent.contains("Chrome/6")) {
            return false;
        }
        if (userAgent.contains("CPU iPhone OS 12") || userAgent.contains("iPad; CPU OS 12")) {
            return false;
        }
        return !(userAgent.contains("Macintosh") && userAgent.contains("Intel Mac OS X 10_14")
                && userAgent.contains("Safari") && !userAgent.contains("Chrome"));
    }
}
