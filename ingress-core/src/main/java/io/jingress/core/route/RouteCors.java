package io.jingress.core.route;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Cross-origin resource sharing for an Ingress's routes, read from its annotations
 * ({@code enable-cors} and the {@code cors-*} ones, see {@link CorsAnnotations}): which origins a
 * browser may read the answers from, and what the proxy tells it in the {@code Access-Control-*}
 * headers of a preflight and of every answer. Immutable.
 *
 * <pre>{@code
 * RouteCors cors = route.policy().cors();
 * if (cors != null) {
 *     String origin = request.header("Origin");
 *     boolean allowed = cors.allowsAnyOrigin() || origin != null && cors.allowsOrigin(origin);
 *     // allowed: Access-Control-Allow-Origin is "*" (any origin) or the Origin sent, echoed
 * }
 * }</pre>
 */
public final class RouteCors {
    /** ingress-nginx's default {@code cors-allow-methods}. */
    public static final String DEFAULT_METHODS = "GET, PUT, POST, DELETE, PATCH, OPTIONS";
    /** ingress-nginx's default {@code cors-allow-headers}. */
    public static final String DEFAULT_HEADERS =
            "DNT,Keep-Alive,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range,Authorization";
    /** ingress-nginx's default {@code cors-max-age}, in seconds (20 days). */
    public static final long DEFAULT_MAX_AGE = 1_728_000;

    private final boolean anyOrigin;
    private final List<String> origins;
    // the origins split for matching: an exact one has a null prefix; "https://*.a.com:8443" is
    // prefix "https://" and suffix ".a.com:8443"
    private final String[] prefixes;
    private final String[] suffixes;
    private final String allowMethods;
    private final String allowHeaders;
    private final String exposeHeaders;
    private final boolean allowCredentials;
    private final long maxAge;
    private final boolean echoMethod;
    private final boolean echoHeaders;
    private final String source;
    private volatile Object compiled;

    RouteCors(boolean anyOrigin, List<String> origins, String allowMethods, String allowHeaders, String exposeHeaders,
            boolean allowCredentials, long maxAge) {
        this(anyOrigin, origins, allowMethods, allowHeaders, exposeHeaders, allowCredentials, maxAge, false, false,
                "enable-cors");
    }

    private RouteCors(boolean anyOrigin, List<String> origins, String allowMethods, String allowHeaders, String exposeHeaders,
            boolean allowCredentials, long maxAge, boolean echoMethod, boolean echoHeaders, String source) {
        this.echoMethod = echoMethod;
        this.echoHeaders = echoHeaders;
        this.source = source;
        this.anyOrigin = anyOrigin;
        this.origins = anyOrigin ? List.of() : List.copyOf(origins);
        this.prefixes = new String[this.origins.size()];
        this.suffixes = new String[this.origins.size()];
        for (int i = 0; i < prefixes.length; i++) {
            String origin = this.origins.get(i);
            int star = origin.indexOf("://*.");
            if (star < 0) {
                suffixes[i] = origin;
            } else {
                prefixes[i] = origin.substring(0, star + 3);
                suffixes[i] = origin.substring(star + 4);
            }
        }
        this.allowMethods = Objects.requireNonNull(allowMethods, "allowMethods");
        this.allowHeaders = Objects.requireNonNull(allowHeaders, "allowHeaders");
        this.exposeHeaders = exposeHeaders;
        this.allowCredentials = allowCredentials;
        this.maxAge = maxAge;
    }

    /**
     * An HTTPRoute's {@code CORS} filter, its lists checked: {@code *} alone allows any origin,
     * method or header. With {@code allowCredentials}, where browsers take {@code *} literally,
     * any origin is echoed (not {@code *}), and a preflight's {@code Access-Control-Allow-Methods}
     * and {@code -Headers} for {@code *} are the ones it asked for.
     */
    static RouteCors ofFilter(List<String> origins, boolean allowCredentials, List<String> methods, List<String> headers,
            List<String> exposeHeaders, long maxAge) {
        boolean anyOrigin = origins.contains("*");
        boolean anyMethod = methods.contains("*");
        boolean anyHeader = headers.contains("*");
        return new RouteCors(anyOrigin && !allowCredentials, anyOrigin ? List.of("*") : origins,
                anyMethod ? "*" : methods.isEmpty() ? "GET, HEAD, POST" : String.join(", ", methods),
                anyHeader ? "*" : String.join(", ", headers),
                exposeHeaders.isEmpty() ? null : String.join(", ", exposeHeaders), allowCredentials, maxAge,
                anyMethod && allowCredentials, anyHeader && allowCredentials, "CORS filter");
    }

    /** Whether every origin is allowed ({@code cors-allow-origin: "*"}, the default): the answers say {@code *}. */
    public boolean allowsAnyOrigin() {
        return anyOrigin;
    }

    /**
     * The origins allowed, as written ({@code https://a.example.com}, {@code https://*.example.com:8443},
     * {@code null}); empty when {@link #allowsAnyOrigin()}, or when no entry of the annotation was
     * understood (then no origin is allowed).
     */
    public List<String> origins() {
        return origins;
    }

    /**
     * Whether a request's {@code Origin} is one of {@link #origins()}: the whole value, compared
     * without regard to case; {@code *.} stands for exactly one DNS label (letters, digits, {@code -}).
     * False for {@link #allowsAnyOrigin()}'s routes, where nothing is echoed.
     */
    public boolean allowsOrigin(String origin) {
        for (int i = 0; i < suffixes.length; i++) {
            String prefix = prefixes[i];
            String suffix = suffixes[i];
            if (prefix == null) {
                if (origin.equalsIgnoreCase(suffix) || suffix.equals("*")) {  // "*": a CORS filter's any origin, echoed
                    return true;
                }
                continue;
            }
            int label = origin.length() - suffix.length();
            if (label > prefix.length() && origin.regionMatches(true, 0, prefix, 0, prefix.length())
                    && origin.regionMatches(true, label, suffix, 0, suffix.length())
                    && isLabel(origin, prefix.length(), label)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isLabel(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** {@code Access-Control-Allow-Methods}, as written (default {@link #DEFAULT_METHODS}). */
    public String allowMethods() {
        return allowMethods;
    }

    /** {@code Access-Control-Allow-Headers}, as written (default {@link #DEFAULT_HEADERS}). */
    public String allowHeaders() {
        return allowHeaders;
    }

    /** {@code Access-Control-Expose-Headers}, as written; null when none is sent (the default). */
    public String exposeHeaders() {
        return exposeHeaders;
    }

    /** Whether {@code Access-Control-Allow-Credentials: true} is sent (the default). */
    public boolean allowCredentials() {
        return allowCredentials;
    }

    /** {@code Access-Control-Max-Age} of a preflight's answer, in seconds (default {@link #DEFAULT_MAX_AGE}). */
    public long maxAge() {
        return maxAge;
    }

    /**
     * Whether a preflight's {@code Access-Control-Allow-Methods} is the method it asked for
     * ({@code Access-Control-Request-Method}): a CORS filter's {@code *} with credentials.
     */
    public boolean echoesRequestedMethod() {
        return echoMethod;
    }

    /**
     * Whether a preflight's {@code Access-Control-Allow-Headers} is the headers it asked for
     * ({@code Access-Control-Request-Headers}): a CORS filter's {@code *} with credentials.
     */
    public boolean echoesRequestedHeaders() {
        return echoHeaders;
    }

    /**
     * This value in a form a proxy made of it once, for instance its header fields encoded: made by
     * {@code compiler} at the first call and kept with this value (so it goes with the route table
     * that holds it). Two threads may both compile it the first time; one result is kept.
     *
     * @param type the class of the form, which tells one proxy's form from another's
     */
    public <T> T compiled(Class<T> type, Function<RouteCors, ? extends T> compiler) {
        Object form = compiled;
        if (type.isInstance(form)) {
            return type.cast(form);
        }
        T made = Objects.requireNonNull(compiler.apply(this), "compiled form");
        compiled = made;
        return made;
    }

    /**
     * {@code CORS for https://a.example.com, https://b.example.com (enable-cors)}, {@code CORS for any
     * origin (enable-cors)}, or {@code CORS for no origin (enable-cors)}; {@code , without credentials}
     * when {@link #allowCredentials()} is off.
     */
    public String describe() {
        String who = anyOrigin ? "any origin" : origins.isEmpty() ? "no origin" : String.join(", ", origins);
        if (who.equals("*")) {
            who = "any origin (echoed)";
        }
        return "CORS for " + who + (allowCredentials ? "" : ", without credentials") + " (" + source + ")";
    }

    @Override
    public String toString() {
        return "RouteCors[" + describe() + "]";
    }
}
