package io.jingress.core.route;

import io.jingress.core.model.Ingress;
import io.jingress.core.model.IngressRule;
import io.jingress.core.model.Problem;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Reports what the per-host nature of {@code auth-tls-*} does to Ingresses: ingress-nginx sets
 * client certificate authentication per server (host), taken from the oldest Ingress of the host
 * that has a usable one; here too, so a younger Ingress of the same host with another setting is
 * told its setting is not the one applied, and a rule without host, which no client names in its
 * TLS handshake, is told it has no effect there.
 */
final class AuthTlsHosts {
    private AuthTlsHosts() {
    }

    /** {@code served} oldest first; adds a WARNING per rule whose setting is not applied. */
    static void report(List<Ingress> served, Function<Ingress, RoutePolicy> policyOf, List<Problem> problems) {
        Map<String, Ingress> deciding = new HashMap<>();
        for (Ingress ingress : served) {
            AuthTls auth = policyOf.apply(ingress).authTls();
            if (auth == null) {
                continue;
            }
            for (int r = 0; r < ingress.rules().size(); r++) {
                IngressRule rule = ingress.rules().get(r);
                String field = "spec.rules[" + r + "].host";
                String host = RouteCompiler.hostOf(rule);
                if (host == null) {
                    problems.add(Problem.warning("Ingress", ingress.key(), field, "auth-tls-secret has no effect on a"
                            + " rule without host: no client names it in its TLS handshake, so no client certificate"
                            + " is asked for (its requests are served as without auth-tls)"));
                    continue;
                }
                if (auth.refusal() != null) {
                    continue;  // answered 503 by its own routes; it decides no host
                }
                host = host.toLowerCase(Locale.ROOT);
                Ingress first = deciding.putIfAbsent(host, ingress);
                if (first != null && first != ingress && !auth.equals(policyOf.apply(first).authTls())) {
                    problems.add(Problem.warning("Ingress", ingress.key(), "metadata.annotations", "auth-tls-*: host "
                            + host + " takes its client certificate authentication from the older Ingress "
                            + first.key() + ", as ingress-nginx does (one setting per host); this Ingress's differs and"
                            + " is not applied to " + host));
                }
            }
        }
    }
}
