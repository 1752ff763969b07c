package io.jingress.core.route;

import io.jingress.core.model.HttpIngressPath;
import io.jingress.core.model.Ingress;
import io.jingress.core.model.IngressRule;
import io.jingress.core.model.PathType;
import io.jingress.core.model.Problem;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides which hosts have their TLS connections passed through ({@code ssl-passthrough}), as
 * ingress-nginx started with {@code --enable-ssl-passthrough} does:
 * <ul>
 *   <li>A host is passed through when the oldest served Ingress with a rule for it carries the
 *       annotation (ingress-nginx takes a server's {@code SSLPassthrough} from the Ingress that made
 *       the server); a younger Ingress of a host the oldest does not pass through is told so.</li>
 *   <li>Its TLS connections go to the route a request for {@code /} of the host gets: an
 *       {@code Exact /}, else a {@code Prefix} (or {@code ImplementationSpecific}) {@code /}, else
 *       the host's {@code defaultBackend} (ingress-nginx's root location). A host with none is not
 *       passed through, with a warning, as ingress-nginx ignores it.</li>
 *   <li>The SNI name is matched exactly: rules without host, and wildcard hosts, which no SNI
 *       equals (ingress-nginx compares the names as strings), are served as usual, with a warning.</li>
 * </ul>
 * Without the switch ({@link RouteCompiler#withSslPassthrough}) no host is passed through, and each
 * Ingress carrying the annotation is told that it has no effect.
 */
final class SslPassthroughHosts {
    private static final String KIND = "Ingress";
    private static final String ANNOTATIONS = "metadata.annotations";

    private SslPassthroughHosts() {
    }

    /**
     * The passed-through hosts (exact, lower case) to the route whose backend gets their TLS
     * connections.
     *
     * @param served the served Ingresses, oldest first
     * @param routes the compiled routes, in Ingress age order
     * @param enabled whether passthrough is switched on
     */
    static Map<String, Route> collect(List<Ingress> served, List<Route> routes, boolean enabled, List<Problem> problems) {
        Map<String, Ingress> oldestOfHost = new HashMap<>();
        Map<String, Boolean> passes = new HashMap<>();  // by Ingress key, for those whose annotation is set
        for (Ingress ingress : served) {
            for (IngressRule rule : ingress.rules()) {
                String host = RouteCompiler.hostOf(rule);
                if (host != null) {
                    oldestOfHost.putIfAbsent(host, ingress);
                }
            }
        }
        Map<String, Route> hosts = new LinkedHashMap<>();
        for (Ingress ingress : served) {
            if (SslPassthroughAnnotation.nameSet(ingress.annotations()) == null) {
                continue;
            }
            List<String> found = new ArrayList<>(0);
            boolean on = SslPassthroughAnnotation.read(ingress.annotations(), found);
            for (String problem : found) {
                problems.add(Problem.warning(KIND, ingress.key(), ANNOTATIONS, problem));
            }
            passes.put(ingress.key(), on);
            if (!on) {
                continue;
            }
            String annotation = SslPassthroughAnnotation.nameSet(ingress.annotations());
            if (!enabled) {
                problems.add(Problem.warning(KIND, ingress.key(), ANNOTATIONS, annotation + ": \"true\" has no effect:"
                        + " the controller was not started with --enable-ssl-passthrough, so TLS ends at the proxy and"
                        + " the Ingress is served as usual"));
                continue;
            }
            Set<String> otherPaths = new LinkedHashSet<>();
            for (int r = 0; r < ingress.rules().size(); r++) {
                IngressRule rule = ingress.rules().get(r);
                String host = RouteCompiler.hostOf(rule);
                String field = "spec.rules[" + r + "].host";
                if (host == null) {
                    problems.add(Problem.warning(KIND, ingress.key(), field, annotation + " has no effect on a rule"
                            + " without host: no SNI names it, so its requests are served as usual"));
                    continue;
                }
                if (host.startsWith("*.")) {
                    problems.add(Problem.warning(KIND, ingress.key(), field, annotation + " has no effect on the wildcard"
                            + " host " + host + ": SNI names are matched exactly, as ingress-nginx does, so its"
                            + " requests are served as usual"));
                    continue;
                }
                Ingress oldest = oldestOfHost.get(host);
                if (oldest != ingress && !passes.getOrDefault(oldest.key(), false)) {
                    problems.add(Problem.warning(KIND, ingress.key(), ANNOTATIONS, annotation + ": host " + host
                            + " is not passed through: the older Ingress " + oldest.key() + " serves it without"
                            + " ssl-passthrough, and the oldest Ingress of a host decides, as in ingress-nginx"));
                    continue;
                }
                if (hosts.containsKey(host)) {
                    continue;
                }
                Route root = rootRoute(routes, host);
                if (root == null) {
                    problems.add(Problem.warning(KIND, ingress.key(), field, annotation + ": host " + host + " has no"
                            + " path / and no defaultBackend to pass its TLS connections to, so it is served as usual"
                            + " (ingress-nginx ignores ssl-passthrough there too)"));
                    continue;
                }
                hosts.put(host, root);
                for (HttpIngressPath path : rule.paths()) {
                    String written = path.path() == null || path.path().isEmpty() ? "/" : path.path();
                    if (!written.equals("/")) {
                        otherPaths.add(host + written);
                    }
                }
            }
            if (!otherPaths.isEmpty()) {
                problems.add(Problem.warning(KIND, ingress.key(), ANNOTATIONS, annotation + ": over HTTPS every"
                        + " connection goes to the backend of path /, so " + String.join(", ", otherPaths)
                        + " is reached over plain HTTP only"));
            }
        }
        return hosts;
    }

    // what a request for "/" of the host gets from its own rules: Exact "/", else Prefix "/", else its defaultBackend
    private static Route rootRoute(List<Route> routes, String host) {
        Route prefix = null;
        Route fallback = null;
        for (Route route : routes) {
            if (!host.equals(route.host())) {
                continue;
            }
            if (route.isDefaultBackendService()) {
                continue;  // ingress-nginx passes no TLS to its default backend: "has no default backend"
            }
            if (route.isDefaultBackend()) {
                fallback = fallback == null ? route : fallback;
            } else if ("/".equals(route.path())) {
                if (route.pathType() == PathType.EXACT) {
                    return route;
                }
                prefix = prefix == null ? route : prefix;
            }
        }
        return prefix != null ? prefix : fallback;
    }
}
