package io.jingress.jetty.internal.proxy;

import io.jingress.core.route.Backend;
import io.jingress.core.route.Canary;
import io.jingress.core.internal.route.RegexBudget;
import io.jingress.core.internal.route.ReportGate;
import io.jingress.core.route.Route;

import java.util.concurrent.ThreadLocalRandom;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which backend a request of a route with a {@link Canary} goes to: the canary's when its rule
 * chooses it (header, then cookie, then weight, as ingress-nginx's {@code balancer.lua}
 * {@code route_to_alternative_balancer}) and its backend is ready, else the route's own; with
 * {@link Canary#stickyAffinity()}, a request whose affinity cookie names a session of either
 * backend goes to that one first. Called only for routes with a canary.
 */
final class CanarySplit {
    private static final Logger LOG = LoggerFactory.getLogger(CanarySplit.class);
    private static final ReportGate REPORTED = ReportGate.everyMinute();
    private static final String ALWAYS = "always";
    private static final String NEVER = "never";

    private CanarySplit() {
    }

    /** The backend the request goes to. */
    static Backend backendFor(Route route, Exchange exchange) {
        Canary canary = route.canary();
        // as ingress-nginx, whose Lua balancer has no balancer for a backend without endpoints
        if (!canary.backend().isReady()) {
            return route.backend();
        }
        // affinity-canary-behavior: sticky, as balancer.lua's route_to_alternative_balancer: the
        // session's backend first, the rule only for a request without one
        if (canary.stickyAffinity()) {
            if (route.backend().balancer().affinitized(exchange)) {
                return route.backend();
            }
            if (canary.backend().balancer().affinitized(exchange)) {
                return canary.backend();
            }
        }
        return chooses(canary, exchange.getHeaders()) ? canary.backend() : route.backend();
    }

    static boolean chooses(Canary canary, HttpFields headers) {
        String header = canary.header();
        if (header != null) {
            String value = headers.get(header);
            if (value != null) {
                if (canary.headerValue() != null) {
                    if (canary.headerValue().equals(value)) {
                        return true;
                    }
                } else if (canary.headerPattern() != null) {
                    if (patternFinds(canary, value)) {
                        return true;
                    }
                } else if (ALWAYS.equals(value)) {
                    return true;
                } else if (NEVER.equals(value)) {
                    return false;
                }
            }
        }
        String cookie = canary.cookie();
        if (cookie != null) {
            String value = cookieValue(headers, cookie);
            if (ALWAYS.equals(value)) {
                return true;
            }
            if (NEVER.equals(value)) {
                return false;
            }
        }
        int weight = canary.weight();
        return weight > 0 && (weight >= canary.weightTotal()
                || ThreadLocalRandom.current().nextInt(canary.weightTotal()) < weight);
    }

    /**
     * Whether the canary's header pattern finds a match in the header's value. A pattern that
     * overflows the stack or takes more steps than {@link RegexBudget} allows on this value counts
     * as not finding one: the header does not send the request to the canary (the cookie and the
     * weight still decide, as for any value that does not match), and no thread is pinned.
     */
    static boolean patternFinds(Canary canary, String value) {
        try {
            return RegexBudget.find(canary.headerPattern(), value);
        } catch (RegexBudget.Exceeded | StackOverflowError tooCostly) {
            // the value is not logged: the client wrote it
            if (REPORTED.open(canary.ingress() + " " + canary.ruleIndex() + " " + canary.pathIndex())) {
                LOG.warn("canary Ingress {}: the canary-by-header-pattern /{}/ {} on a value of header {} of {} chars and is counted as"
                        + " not matching it (the request is not sent to the canary by header); rewrite the pattern (logged"
                        + " at most once a minute per canary)", canary.ingress(), canary.headerPattern().pattern(),
                        tooCostly instanceof StackOverflowError ? "overflowed the stack"
                                : "took more than " + RegexBudget.budget(value.length()) + " steps",
                        canary.header(), value.length());
            }
            return false;
        }
    }

    /**
     * The value of the first cookie named {@code name} in the request's {@code Cookie} fields, or
     * null. Names compare ignoring case, as nginx's {@code $cookie_NAME} does.
     */
    static String cookieValue(HttpFields headers, String name) {
        for (int i = 0; i < headers.size(); i++) {
            HttpField field = headers.getField(i);
            if (!field.is(HttpHeader.COOKIE.asString())) {
                continue;
            }
            String value = field.getValue();
            int n = value.length();
            int start = 0;
            while (start < n) {
                int end = value.indexOf(';', start);
                if (end < 0) {
                    end = n;
                }
                int s = start;
                while (s < end && (value.charAt(s) == ' ' || value.charAt(s) == '\t')) {
                    s++;
                }
                int equals = value.indexOf('=', s);
                if (equals > 0 && equals < end && equals - s == name.length()
                        && value.regionMatches(true, s, name, 0, name.length())) {
                    int e = end;
                    while (e > equals + 1 && (value.charAt(e - 1) == ' ' || value.charAt(e - 1) == '\t')) {
                        e--;
                    }
                    return value.substring(equals + 1, e);
                }
                start = end + 1;
            }
        }
        return null;
    }
}
