package io.jingress.core.route;

import io.jingress.core.internal.route.CertificateNames;
import io.jingress.core.internal.route.PathTrie;
import io.jingress.core.model.Ingress;
import io.jingress.core.model.IngressRule;
import io.jingress.core.model.PathType;
import io.jingress.core.model.Problem;
import io.jingress.core.model.TlsSecret;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The extra names of the Ingresses' hosts, laid into one table once its rules are compiled:
 * {@code server-alias} names, each of which serves the paths of one host (of every Ingress), and
 * the names {@code from-to-www-redirect} redirects. Both are hosts of the index like any other, so a
 * request pays nothing for them: an alias shares its host's paths, and a redirected name has one
 * Prefix {@code /} route whose policy is the redirect.
 *
 * <p>Who wins a name, as in ingress-nginx: a host of any Ingress's rules, whatever its age; then an
 * alias, the oldest Ingress's; then a www redirect. A name an alias or a redirect cannot have is
 * reported as a WARNING on the Ingress that asked for it, and only that name is not served. The
 * aliases of a host are set by the oldest Ingress with a rule for it that sets {@code server-alias}
 * (a younger one's are not used for that host); an Ingress with several hosts gives its aliases
 * the paths of the first of them by name, as nginx serves a name that several of ingress-nginx's
 * servers list. Over TLS an alias or a redirected name gets its host's certificate when that
 * certificate names it.
 */
final class HostAliases {
    private static final String KIND = "Ingress";
    private static final String FIELD = "metadata.annotations";

    private final List<Problem> problems;
    private final Map<String, TlsSecret> certificates;
    private final BiConsumer<String, String> tlsClaims;  // Ingress key and a name it is given
    private final Map<String, List<String>> certificateNames = new HashMap<>();  // by Secret key
    // each host of a served Ingress's rules (lower case, "*." for a wildcard) to its oldest Ingress
    private final Map<String, String> ruleHosts = new HashMap<>();
    private final Map<String, String> aliasesSetBy = new HashMap<>();   // host to the Ingress whose aliases it has
    private final Map<String, String> aliases = new LinkedHashMap<>();  // alias to its host
    private final Map<String, String> aliasOwners = new HashMap<>();    // alias to its Ingress
    private final Map<String, String> redirects = new HashMap<>();      // a redirected name to its host

    /**
     * @param problems where the WARNINGs go
     * @param certificates the table's TLS hosts and Secrets, to which aliases and redirected names are added
     * @param tlsClaims told each alias and redirected name given to an Ingress, before it is given a
     *     certificate, so the Ingress's own spec.tls listing of the name counts ({@link TlsHosts#claim})
     */
    HostAliases(List<Problem> problems, Map<String, TlsSecret> certificates, BiConsumer<String, String> tlsClaims) {
        this.problems = problems;
        this.certificates = certificates;
        this.tlsClaims = tlsClaims;
    }

    /** The aliases served: name to the host whose paths it serves. */
    Map<String, String> aliases() {
        return aliases;
    }

    /**
     * Lays the aliases and redirects of {@code served} (oldest first) into the host maps.
     *
     * @param policyOf each Ingress's policy
     * @param exactHosts the exact hosts' paths, to which aliases and redirected names are added
     * @param wildcardHosts the wildcard hosts' paths (keyed by the name after {@code *.})
     * @param routes the routes compiled, to which the redirects' routes are added
     */
    void apply(List<Ingress> served, Function<Ingress, RoutePolicy> policyOf, Map<String, PathTrie<Route>> exactHosts,
            Map<String, PathTrie<Route>> wildcardHosts, List<Route> routes) {
        boolean any = false;
        for (Ingress ingress : served) {
            RoutePolicy policy = policyOf.apply(ingress);
            any |= !policy.serverAliases().isEmpty() || policy.fromToWwwRedirect();
            for (IngressRule rule : ingress.rules()) {
                String host = RouteCompiler.hostOf(rule);
                if (host != null) {
                    ruleHosts.putIfAbsent(host, ingress.key());
                }
            }
        }
        if (!any) {
            return;
        }
        for (Ingress ingress : served) {
            RoutePolicy policy = policyOf.apply(ingress);
            if (!policy.serverAliases().isEmpty()) {
                addAliases(ingress, policy.serverAliases(), exactHosts, wildcardHosts);
            }
        }
        for (Ingress ingress : served) {
            if (policyOf.apply(ingress).fromToWwwRedirect()) {
                addRedirects(ingress, exactHosts, routes);
            }
        }
    }

    private void addAliases(Ingress ingress, List<String> names, Map<String, PathTrie<Route>> exactHosts,
            Map<String, PathTrie<Route>> wildcardHosts) {
        String quoted = RouteAnnotations.value(ingress.annotations(), HostAnnotations.SERVER_ALIAS).quoted();
        Set<String> own = new TreeSet<>();  // by name, as ingress-nginx orders its servers
        for (IngressRule rule : ingress.rules()) {
            String host = RouteCompiler.hostOf(rule);
            if (host != null) {
                own.add(host);
            }
        }
        if (own.isEmpty()) {
            problems.add(Problem.warning(KIND, ingress.key(), FIELD, quoted + " has no effect: the Ingress's rules have"
                    + " no host, and the rules without host serve every host that has no rules of its own already"));
            return;
        }
        List<String> hosts = new ArrayList<>();
        Set<String> older = new LinkedHashSet<>();
        for (String host : own) {
            String setBy = aliasesSetBy.putIfAbsent(host, ingress.key());
            if (setBy == null) {
                hosts.add(host);
            } else {
                older.add(host + " (Ingress " + setBy + ")");
            }
        }
        if (!older.isEmpty()) {
            problems.add(Problem.warning(KIND, ingress.key(), FIELD, quoted + " is not used for "
                    + String.join(", ", older) + ": an older Ingress's server-alias sets the aliases of "
                    + (older.size() == 1 ? "that host" : "those hosts") + ", as in ingress-nginx"));
        }
        if (hosts.isEmpty()) {
            return;
        }
        String host = hosts.get(0);
        if (hosts.size() > 1) {
            problems.add(Problem.warning(KIND, ingress.key(), FIELD, quoted + ": the Ingress has several hosts ("
                    + String.join(", ", hosts) + "); each alias serves the paths of " + host + ", the first by name,"
                    + " as nginx serves a name that several of ingress-nginx's servers list"));
        }
        for (String alias : names) {
            String why = aliasTaken(ingress, alias, own);
            if (why != null) {
                problems.add(Problem.warning(KIND, ingress.key(), FIELD, quoted + ": the alias " + alias
                        + " is not served: " + why));
                continue;
            }
            aliases.put(alias, host);
            aliasOwners.put(alias, ingress.key());
            if (alias.startsWith("*.")) {
                wildcardHosts.put(alias.substring(2), paths(host, exactHosts, wildcardHosts));
            } else {
                exactHosts.put(alias, paths(host, exactHosts, wildcardHosts));
            }
            addCertificate(ingress, quoted, alias, host, "the alias");
        }
    }

    // why an alias cannot be served, or null
    private String aliasTaken(Ingress ingress, String alias, Set<String> own) {
        if (own.contains(alias)) {
            return "it is a host of this Ingress's rules, which serve it";
        }
        String owner = ruleHosts.get(alias);
        if (owner != null) {
            return "it is a host of the rules of Ingress " + owner + ", which serve it (a host wins over an alias,"
                    + " as in ingress-nginx)";
        }
        String host = aliases.get(alias);
        if (host != null) {
            return "it is already an alias of host " + host + " (the older Ingress " + aliasOwners.get(alias) + ")";
        }
        return null;
    }

    private static PathTrie<Route> paths(String host, Map<String, PathTrie<Route>> exactHosts,
            Map<String, PathTrie<Route>> wildcardHosts) {
        return host.startsWith("*.") ? wildcardHosts.computeIfAbsent(host.substring(2), h -> new PathTrie<>())
                : exactHosts.computeIfAbsent(host, h -> new PathTrie<>());
    }

    private void addRedirects(Ingress ingress, Map<String, PathTrie<Route>> exactHosts, List<Route> routes) {
        String quoted = RouteAnnotations.value(ingress.annotations(), HostAnnotations.FROM_TO_WWW).quoted();
        Set<String> done = new LinkedHashSet<>();
        for (int r = 0; r < ingress.rules().size(); r++) {
            String host = RouteCompiler.hostOf(ingress.rules().get(r));
            if (host == null || !done.add(host)) {
                continue;
            }
            if (host.startsWith("*.")) {
                problems.add(Problem.warning(KIND, ingress.key(), FIELD, quoted + ": the wildcard host " + host
                        + " has no www. name to redirect: none is made for it"));
                continue;
            }
            String from = host.startsWith("www.") ? host.substring(4) : "www." + host;
            String why = redirectTaken(from, host);
            if (why != null) {
                if (!why.isEmpty()) {
                    problems.add(Problem.warning(KIND, ingress.key(), FIELD, quoted + ": " + from
                            + " is not redirected to " + host + ": " + why));
                }
                continue;
            }
            Route served = firstRoute(routes, ingress.key(), host);
            if (served == null) {
                problems.add(Problem.warning(KIND, ingress.key(), FIELD, quoted + ": " + from + " is not redirected to "
                        + host + ": the Ingress serves no path of " + host));
                continue;
            }
            RoutePolicy policy = new RoutePolicy.Builder().redirect(RouteRedirect.toHost(host)).build();
            Route route = new Route(ingress.key(), from, "/", PathType.PREFIX, r, -1, false, false, policy,
                    served.backend());
            PathTrie<Route> paths = new PathTrie<>();
            paths.addPrefix("/", route);
            exactHosts.put(from, paths);
            routes.add(route);
            redirects.put(from, host);
            addCertificate(ingress, quoted, from, host, "the redirected name");
        }
    }

    // why a redirect from "from" cannot be made, "" for one already made to the same host, or null
    private String redirectTaken(String from, String to) {
        if (!HostAnnotations.isDnsName(from)) {
            return "it is not a DNS name";
        }
        String owner = ruleHosts.get(from);
        if (owner != null) {
            return "it has rules of its own (Ingress " + owner + "), which serve it, as in ingress-nginx";
        }
        String host = aliases.get(from);
        if (host != null) {
            return "it is an alias of host " + host + " (server-alias of Ingress " + aliasOwners.get(from)
                    + "), which serves it";
        }
        String redirected = redirects.get(from);
        if (redirected != null) {
            return redirected.equals(to) ? "" : "it is redirected to " + redirected + " already";
        }
        return null;
    }

    private static Route firstRoute(List<Route> routes, String ingress, String host) {
        for (Route route : routes) {
            if (route.ingress().equals(ingress) && host.equals(route.host())) {
                return route;
            }
        }
        return null;
    }

    // Over TLS, the name gets its host's certificate when the certificate names it, as ingress-nginx
    // configures an alias's and a redirect's; a name the Ingress's own spec.tls lists keeps its own.
    private void addCertificate(Ingress ingress, String quoted, String name, String host, String what) {
        tlsClaims.accept(ingress.key(), name);
        if (certificates.containsKey(name)) {
            return;
        }
        TlsSecret listed = certificates.get(host);
        if (listed == null && !host.startsWith("*.") && host.indexOf('.') > 0) {
            listed = certificates.get("*" + host.substring(host.indexOf('.')));
        }
        if (listed == null) {
            return;
        }
        TlsSecret secret = listed;
        List<String> names = certificateNames.computeIfAbsent(secret.key(), key -> {
            List<String> read = CertificateNames.of(secret.certificateChainPem());
            return read == null ? List.of() : read;
        });
        if (CertificateNames.covers(names, name)) {
            certificates.put(name, secret);
            return;
        }
        problems.add(Problem.warning(KIND, ingress.key(), FIELD, quoted + ": " + what + " " + name
                + " gets the default certificate over HTTPS: " + (names.isEmpty()
                        ? "the tls.crt of secret " + secret.key() + " (of host " + host + ") is not a PEM certificate"
                        : "the certificate of secret " + secret.key() + " (of host " + host + ") does not name it ("
                                + String.join(", ", names) + ")")
                + ", so a client that checks certificates cannot reach it over HTTPS"));
    }
}
