package io.jingress.core.route;

import io.jingress.core.lb.BalancerPolicy;
import io.jingress.core.lb.Strategy;
import io.jingress.core.model.HttpIngressPath;
import io.jingress.core.model.Ingress;
import io.jingress.core.model.IngressBackend;
import io.jingress.core.model.IngressRule;
import io.jingress.core.model.PathType;
import io.jingress.core.model.Problem;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The canary Ingresses of one compile run ({@code canary: "true"}), merged into the routes of the
 * ordinary Ingresses as ingress-nginx's {@code mergeAlternativeBackends} does: a canary path joins
 * the main route of the same host, path and type as its {@link Canary} (on a host whose paths are
 * regexes, the main route whose regex is the same text), and is never served on its
 * own nor counted as a conflict. The oldest canary of a path is the one used (ingress-nginx's Lua
 * balancer takes the first alternative backend); a younger one, a canary path without a main route,
 * and a canary naming the main route's own backend are reported as WARNINGs.
 *
 * <p>Only the canary's backend and its rule are taken from it: the main route's settings (its
 * Ingress's annotations, TLS, HTTPS redirect) apply to the requests the canary serves. The
 * balancer annotations ({@code load-balance}, {@code upstream-hash-by}) are the backend's, so a
 * canary's own apply to its backend, as in ingress-nginx. Its other annotations that Jingress reads
 * per route, its {@code spec.tls} and its {@code spec.defaultBackend} are reported as having no effect.
 */
final class CanaryRoutes {
    private static final String KIND = "Ingress";

    /** Resolves a backend as the compiler does (its problems reported there). */
    interface BackendSource {
        /** @param policy how its endpoints are balanced; null: as {@code ingress}'s annotations ask */
        Backend resolve(Ingress ingress, IngressBackend ingressBackend, String field, BalancerPolicy policy);
    }

    /** A canary path waiting for its main route. */
    private static final class Pending {
        final Ingress ingress;
        final int ruleIndex;
        final int pathIndex;
        final String host;        // lower case, null for any
        final String written;     // the path as written ("/" when empty)
        final String normalized;  // null when it cannot be a normalised path
        final boolean exact;
        final String description;
        final CanaryAnnotations.Rule rule;
        boolean taken;

        Pending(Ingress ingress, int ruleIndex, int pathIndex, String host, String written, boolean exact,
                String description, CanaryAnnotations.Rule rule) {
            this.ingress = ingress;
            this.ruleIndex = ruleIndex;
            this.pathIndex = pathIndex;
            this.host = host;
            this.written = written;
            this.normalized = RequestPaths.normalize(written);
            this.exact = exact;
            this.description = description;
            this.rule = rule;
        }

        String field() {
            return "spec.rules[" + ruleIndex + "].http.paths[" + pathIndex + "]";
        }
    }

    private final BackendSource backends;
    private final List<Problem> problems;
    private final List<Pending> read = new ArrayList<>();     // every canary path, oldest Ingress first
    private final Map<String, Pending> byKey = new HashMap<>();
    private final List<Pending> pending = new ArrayList<>();  // the paths in byKey, in order

    CanaryRoutes(BackendSource backends, List<Problem> problems) {
        this.backends = backends;
        this.problems = problems;
    }

    /**
     * Reads the canary annotations of a served Ingress (oldest first); true when it is a canary,
     * whose paths are then kept here for their main routes and must not be compiled as routes.
     * They are keyed by {@link #index} once the hosts whose paths are regexes are known.
     */
    boolean add(Ingress ingress) {
        List<String> sentences = new ArrayList<>();
        boolean canary = CanaryAnnotations.isCanary(ingress.annotations(), sentences);
        CanaryAnnotations.Rule rule = canary ? CanaryAnnotations.read(ingress.annotations(), sentences) : null;
        for (String sentence : sentences) {
            problems.add(Problem.warning(KIND, ingress.key(), "metadata.annotations", sentence));
        }
        if (!canary) {
            return false;
        }
        reportWhatDoesNotApply(ingress);
        for (int r = 0; r < ingress.rules().size(); r++) {
            IngressRule ingressRule = ingress.rules().get(r);
            String host = ingressRule.host() == null || ingressRule.host().isEmpty() ? null
                    : ingressRule.host().toLowerCase(Locale.ROOT);
            for (int p = 0; p < ingressRule.paths().size(); p++) {
                HttpIngressPath path = ingressRule.paths().get(p);
                String written = path.path() == null || path.path().isEmpty() ? "/" : path.path();
                String description = "host " + (host == null ? "(any)" : host) + " path \"" + written + "\" ("
                        + path.pathType().apiName() + ")";
                read.add(new Pending(ingress, r, p, host, written, path.pathType() == PathType.EXACT, description, rule));
            }
        }
        return true;
    }

    /**
     * Keys the canary paths read, once it is known which hosts' paths are regexes
     * ({@code regexHost}: lower case, null for the rules without host). On such a host a
     * {@code Prefix} or {@code ImplementationSpecific} canary path is the regex as written, and
     * joins the main path of the same text (ingress-nginx's {@code loc.Path == path.Path});
     * elsewhere, and for {@code Exact} paths, it joins by its normalised path.
     */
    void index(Predicate<String> regexHost) {
        for (Pending waiting : read) {
            String key;
            if (!waiting.exact && regexHost.test(waiting.host)) {
                key = regexKey(waiting.host, waiting.written);
            } else if (waiting.normalized == null) {
                problems.add(Problem.warning(KIND, waiting.ingress.key(), waiting.field() + ".path", "\"" + waiting.written
                        + "\" can never match a normalised request path (see RequestPaths); this canary path is not used"));
                continue;
            } else {
                key = key(waiting.host, waiting.normalized, waiting.exact);
            }
            Pending older = byKey.putIfAbsent(key, waiting);
            if (older != null) {
                problems.add(Problem.warning(KIND, waiting.ingress.key(), waiting.field(), waiting.description
                        + " already has the canary of " + (older.ingress == waiting.ingress ? "an earlier path of this Ingress"
                                : "the older Ingress " + older.ingress.key()) + " (" + older.field()
                        + "); a path has one canary, and this one is not used"));
                continue;
            }
            pending.add(waiting);
        }
    }

    /**
     * The canary of the main route being compiled for this host (lower case, null for any), path
     * (normalised) and type, or null; {@code main} is the route's own backend, balanced by
     * {@code mainPolicy}.
     */
    Canary take(String host, String path, boolean exact, Backend main, BalancerPolicy mainPolicy) {
        return take(key(host, path, exact), main, mainPolicy);
    }

    /**
     * The canary of the main route being compiled for this regex path (as written) of a host
     * whose paths are regexes, or null; {@code main} is the route's own backend, balanced by
     * {@code mainPolicy}.
     */
    Canary takeRegex(String host, String written, Backend main, BalancerPolicy mainPolicy) {
        return take(regexKey(host, written), main, mainPolicy);
    }

    private Canary take(String key, Backend main, BalancerPolicy mainPolicy) {
        if (byKey.isEmpty()) {
            return null;
        }
        Pending waiting = byKey.get(key);
        if (waiting == null || waiting.taken) {
            return null;
        }
        waiting.taken = true;
        HttpIngressPath ingressPath = waiting.ingress.rules().get(waiting.ruleIndex).paths().get(waiting.pathIndex);
        // affinity-canary-behavior: sticky (ingress-nginx copies the main backend's session affinity to the
        // canary's): the canary keeps the sessions it is given, with the main Ingress's cookie
        boolean mainAffinity = mainPolicy.strategy() == Strategy.COOKIE_AFFINITY;
        boolean sticky = !waiting.rule.legacyAffinity();
        Backend backend = backends.resolve(waiting.ingress, ingressPath.backend(), waiting.field() + ".backend",
                sticky && mainAffinity ? mainPolicy : null);
        if (backend.key().equals(main.key())) {
            problems.add(Problem.warning(KIND, waiting.ingress.key(), waiting.field() + ".backend", "the canary's backend "
                    + backend.key() + " is the main route's own backend: there is nothing to split, and this canary is not used"));
            return null;
        }
        return new Canary(waiting.ingress.key(), waiting.ruleIndex, waiting.pathIndex, backend, waiting.rule,
                sticky && (mainAffinity || backend.balancer().strategy() == Strategy.COOKIE_AFFINITY));
    }

    /** Reports each canary path that found no main route; called once every route is compiled. */
    void reportUnmerged() {
        for (Pending waiting : pending) {
            if (!waiting.taken) {
                problems.add(Problem.warning(KIND, waiting.ingress.key(), waiting.field(), "canary: no ordinary Ingress"
                        + " serves " + waiting.description + ", so this canary path is not served (a canary only takes"
                        + " a share of the requests of the main Ingress with the same host, path and type; on a host whose"
                        + " paths are regexes, with the same regex text)"));
            }
        }
    }

    private void reportWhatDoesNotApply(Ingress ingress) {
        Set<String> perRoute = new TreeSet<>(RouteAnnotations.READ);
        perRoute.add(RouteCompiler.NGINX_SSL_REDIRECT);
        perRoute.add(RouteCompiler.SSL_REDIRECT);
        for (String name : new TreeSet<>(ingress.annotations().keySet())) {
            if (perRoute.contains(name) && !isCanaryName(name)) {
                problems.add(Problem.warning(KIND, ingress.key(), "metadata.annotations", name + " has no effect on a"
                        + " canary Ingress: the requests it takes keep the main route's settings"));
            }
        }
        if (!ingress.tls().isEmpty()) {
            problems.add(Problem.warning(KIND, ingress.key(), "spec.tls", "not used: a canary Ingress's hosts are served"
                    + " with the TLS of their main Ingress"));
        }
        if (ingress.defaultBackend() != null) {
            problems.add(Problem.warning(KIND, ingress.key(), "spec.defaultBackend", "not used: a canary Ingress's"
                    + " defaultBackend is not served (only its paths join main routes)"));
        }
    }

    private static boolean isCanaryName(String name) {
        for (String canaryName : CanaryAnnotations.NAMES) {
            if (name.equals(RouteAnnotations.NGINX_PREFIX + canaryName) || name.equals(RouteAnnotations.OUR_PREFIX + canaryName)) {
                return true;
            }
        }
        return false;
    }

    // a Prefix or ImplementationSpecific path of a host whose paths are regexes: its text as written
    private static String regexKey(String host, String written) {
        return "R " + (host == null ? "" : host) + " " + written;
    }

    // Exact paths match as written; Prefix paths (ImplementationSpecific among them) by their
    // segments, a trailing slash ignored: the same paths RouteCompiler counts as one.
    private static String key(String host, String path, boolean exact) {
        String hostKey = host == null ? "" : host;
        if (exact) {
            return "E " + hostKey + " " + path;
        }
        StringBuilder segments = new StringBuilder();
        for (String segment : path.split("/")) {
            if (!segment.isEmpty()) {
                segments.append('/').append(segment);
            }
        }
        return "P " + hostKey + " " + (segments.length() == 0 ? "/" : segments);
    }
}
