package io.jingress.core.internal.lb;

import io.jingress.core.lb.BalancerPolicy;
import io.jingress.core.lb.HashKey;
import io.jingress.core.lb.Strategy;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a backend's {@link BalancerPolicy} from its Ingress's annotations, with the problems found.
 * Our {@code jingress.io/*} annotations win over ingress-nginx's; among ingress-nginx's, as in
 * ingress-nginx, cookie affinity wins over {@code upstream-hash-by}, which wins over
 * {@code load-balance}. Anything not understood falls back to round robin and is reported.
 *
 * @param policy the policy to use
 * @param problems readable sentences naming each annotation that was not understood
 */
public record AnnotationPolicy(BalancerPolicy policy, List<String> problems) {
    public static final String NGINX_LOAD_BALANCE = "nginx.ingress.kubernetes.io/load-balance";
    public static final String NGINX_HASH_BY = "nginx.ingress.kubernetes.io/upstream-hash-by";
    public static final String NGINX_AFFINITY = "nginx.ingress.kubernetes.io/affinity";
    public static final String NGINX_COOKIE_NAME = "nginx.ingress.kubernetes.io/session-cookie-name";
    public static final String COOKIE_NAME = "jingress.io/session-cookie-name";
    public static final String LOAD_BALANCE = "jingress.io/load-balance";
    public static final String HASH_BY = "jingress.io/hash-by";
    // read here for the balancer; its problems are reported with the session-cookie-* ones (RouteAnnotations)
    private static final String AFFINITY_MODE = "jingress.io/affinity-mode";
    private static final String NGINX_AFFINITY_MODE = "nginx.ingress.kubernetes.io/affinity-mode";
    /** Every annotation this policy reads. */
    public static final Set<String> READ = Set.of(NGINX_LOAD_BALANCE, NGINX_HASH_BY, NGINX_AFFINITY, NGINX_COOKIE_NAME,
            COOKIE_NAME, LOAD_BALANCE, HASH_BY);

    private static final String OURS = "round_robin, weighted_round_robin, random, least_request, peak_ewma, "
            + "ring_hash, maglev, cookie";
    private static final String HASH_SYNTAX = "$remote_addr, $binary_remote_addr, $request_uri, $uri, "
            + "$http_NAME or $cookie_NAME";

    public AnnotationPolicy {
        problems = List.copyOf(problems);
    }

    public static AnnotationPolicy parse(Map<String, String> annotations) {
        List<String> problems = new ArrayList<>();
        BalancerPolicy policy = choose(annotations, problems);
        return new AnnotationPolicy(policy == null ? BalancerPolicy.ROUND_ROBIN : policy, problems);
    }

    private static BalancerPolicy choose(Map<String, String> annotations, List<String> problems) {
        String ours = value(annotations, LOAD_BALANCE);
        if (ours != null) {
            return ours(annotations, ours, problems);
        }
        if (value(annotations, HASH_BY) != null) {
            HashKey key = hashKey(HASH_BY, value(annotations, HASH_BY), problems);
            return key == null ? null : BalancerPolicy.hashing(Strategy.RING_HASH, key);
        }
        String affinity = value(annotations, NGINX_AFFINITY);
        if (affinity != null) {
            if (affinity.equals("cookie")) {
                return BalancerPolicy.cookieAffinity(cookieName(annotations, problems), balanced(annotations));
            }
            problems.add(NGINX_AFFINITY + ": \"" + affinity + "\" is not supported (only \"cookie\")");
        }
        String nginxHash = value(annotations, NGINX_HASH_BY);
        if (nginxHash != null) {
            HashKey key = hashKey(NGINX_HASH_BY, nginxHash, problems);
            if (key != null) {
                return BalancerPolicy.hashing(Strategy.RING_HASH, key);
            }
        }
        String nginx = value(annotations, NGINX_LOAD_BALANCE);
        if (nginx != null) {
            switch (nginx.toLowerCase(Locale.ROOT)) {
                case "round_robin":
                    return BalancerPolicy.ROUND_ROBIN;
                case "ewma":
                    return BalancerPolicy.of(Strategy.PEAK_EWMA);
                default:
                    problems.add(NGINX_LOAD_BALANCE + ": \"" + nginx
                            + "\" is not one of round_robin, ewma; using round robin");
            }
        }
        return null;
    }

    private static BalancerPolicy ours(Map<String, String> annotations, String value, List<String> problems) {
        switch (value.toLowerCase(Locale.ROOT)) {
            case "round_robin":
                return BalancerPolicy.ROUND_ROBIN;
            case "weighted_round_robin":
                return BalancerPolicy.of(Strategy.WEIGHTED_ROUND_ROBIN);
            case "random":
                return BalancerPolicy.of(Strategy.RANDOM);
            case "least_request":
                return BalancerPolicy.of(Strategy.LEAST_REQUEST);
            case "peak_ewma":
                return BalancerPolicy.of(Strategy.PEAK_EWMA);
            case "ring_hash":
                return hashing(annotations, Strategy.RING_HASH, value, problems);
            case "maglev":
                return hashing(annotations, Strategy.MAGLEV, value, problems);
            case "cookie":
                return BalancerPolicy.cookieAffinity(cookieName(annotations, problems), balanced(annotations));
            default:
                problems.add(LOAD_BALANCE + ": \"" + value + "\" is not one of " + OURS + "; using round robin");
                return null;
        }
    }

    private static BalancerPolicy hashing(Map<String, String> annotations, Strategy strategy, String value,
            List<String> problems) {
        String name = value(annotations, HASH_BY) != null ? HASH_BY : NGINX_HASH_BY;
        String hashBy = value(annotations, name);
        if (hashBy == null) {
            problems.add(LOAD_BALANCE + ": \"" + value + "\" needs " + HASH_BY + " (" + HASH_SYNTAX
                    + "); using round robin");
            return null;
        }
        HashKey key = hashKey(name, hashBy, problems);
        return key == null ? null : BalancerPolicy.hashing(strategy, key);
    }

    private static HashKey hashKey(String annotation, String value, List<String> problems) {
        switch (value) {
            case "$remote_addr":
            case "$binary_remote_addr":
                return HashKey.clientAddress();
            case "$request_uri":
            case "$uri":
                return HashKey.uri();
            default:
                break;
        }
        if (value.startsWith("$http_") && value.length() > "$http_".length()) {
            return HashKey.header(value.substring("$http_".length()).replace('_', '-'));
        }
        if (value.startsWith("$cookie_") && value.length() > "$cookie_".length()) {
            return HashKey.cookie(value.substring("$cookie_".length()));
        }
        problems.add(annotation + ": \"" + value + "\" is not one of " + HASH_SYNTAX + "; using round robin");
        return null;
    }

    /** {@code affinity-mode: balanced}, ours over ingress-nginx's; any other value is persistent. */
    private static boolean balanced(Map<String, String> annotations) {
        String mode = annotations.containsKey(AFFINITY_MODE) ? value(annotations, AFFINITY_MODE)
                : value(annotations, NGINX_AFFINITY_MODE);
        return "balanced".equalsIgnoreCase(mode);
    }

    // a cookie name is an HTTP token (RFC 6265); anything else would break the Set-Cookie field
    private static String cookieName(Map<String, String> annotations, List<String> problems) {
        String annotation = annotations.containsKey(COOKIE_NAME) ? COOKIE_NAME : NGINX_COOKIE_NAME;
        String name = value(annotations, annotation);
        if (name == null) {
            return BalancerPolicy.DEFAULT_AFFINITY_COOKIE;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean tchar = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!tchar) {
                problems.add(annotation + ": \"" + name + "\" is not a cookie name (letters, digits and"
                        + " !#$%&'*+-.^_`|~): the affinity cookie is " + BalancerPolicy.DEFAULT_AFFINITY_COOKIE);
                return BalancerPolicy.DEFAULT_AFFINITY_COOKIE;
            }
        }
        return name;
    }

    private static String value(Map<String, String> annotations, String name) {
        String value = annotations.get(name);
        if (value == null) {
            return null;
        }
        value = value.trim();
        return value.isEmpty() ? null : value;
    }
}
