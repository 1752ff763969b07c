package io.jingress.jetty.internal.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jingress.core.lb.Endpoint;
import io.jingress.core.model.Problem;
import io.jingress.core.model.TlsSecret;
import io.jingress.core.route.Backend;
import io.jingress.core.route.Canary;
import io.jingress.core.route.Route;
import io.jingress.core.route.RouteTable;
import io.jingress.core.route.Router;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code /routes}: the live table as JSON, for a person asking "where does this host go?".
 *
 * <pre>{@code
 * {
 *   "loaded": true, "swapCount": 3, "lastSwap": "2026-11-27T15:04:16.123Z",
 *   "hosts": [ { "host": "kubia.example.com", "paths": [
 *       { "path": "/", "pathType": "Prefix", "ingress": "default/kubia",
 *         "backend": "default/kubia:80", "status": "READY", "reason": "2 ready endpoints" } ],
 *     "defaultBackend": { "host": "kubia.example.com", "path": null, "ingress": "default/kubia", ... } } ],
 *   "defaultBackend": null,
 *   "backends": [ { "key": "default/kubia:80", "status": "READY", "reason": "...", "strategy": "ROUND_ROBIN",
 *       "endpoints": [ { "id": "10.244.1.7:8080", "zone": null, "pod": "kubia-4mcp9", "weight": 1,
 *                        "requests": 12, "failures": 0, "consecutiveFailures": 0, "ejections": 0,
 *                        "ejected": false, "inFlight": 0, "ewmaMillis": 1.3 } ] } ],
 *   "tcpServices": { "configMap": "ingress/tcp-services", "found": true, "ports": [ { "port": 2222,
 *     "service": "gitlab/gitlab-shell:22", "decodeProxyProtocol": false, "sendProxyProtocol": false,
 *     "backend": { ... as in "backends" } } ] },
 *   "tls": [ { "host": "kubia.example.com", "secret": "default/kubia-tls" } ],
 *   "defaultCertificate": { "secret": "ingress/wildcard-tls" },
 *   "requestBlocks": [ "User-Agent refused (403, block-user-agents): \"~*badbot\"" ],
 *   "problems": [ { "kind": "Ingress", "object": "default/bad", "field": "...", "message": "...",
 *                   "severity": "ERROR", "text": "Ingress default/bad: ..." } ]
 * }
 * }</pre>
 *
 * A backend with cookie affinity adds {@code "affinityMode"} ({@code "persistent"} or
 * {@code "balanced"}) and {@code "affinityCookie"} (the cookie's name) after its strategy.
 * A rule without host is listed under host {@code "*"}. A host with {@code server-alias} names lists
 * them in {@code "aliases"} (they match as the host does); a name {@code from-to-www-redirect}
 * redirects is a host of its own, whose one path {@code /} has the redirect as its policy. A host's own {@code defaultBackend} (the
 * fallback of its unmatched paths, {@code RouteTable.hostDefaultRoutes()}) is in its entry, absent
 * when it has none; the top-level {@code defaultBackend} is the catch-all for hosts without rules
 * ({@code RouteTable.defaultRoute()}). Either may be the default backend Service's
 * ({@code --default-backend-service}): then it has {@code "kind": "Service"} and its {@code "ingress"}
 * names the Service. TLS entries name the Secret only: no
 * certificate or key material is ever written. A TLS entry whose Secret does not load has a
 * {@code "problem"} (the host gets the default certificate, or the one it had from that Secret),
 * and the problem is listed with the table's. {@code "defaultCertificate"} names the Secret served
 * to other names and to clients without SNI ({@code RouteTable.defaultCertificate()}), with its
 * {@code "problem"} if it has one; null when that is the proxy's self-signed certificate.
 * {@code "requestBlocks"} says what the controller ConfigMap's {@code block-*} refuse before any
 * route is matched ({@code RouteTable.serverSettings().requestBlocks()}); empty when nothing.
 *
 * <p>A path with a canary ({@code Route.canary()}) has a {@code "canary"} object: the canary
 * Ingress and its {@code rule}/{@code pathIndex}, its rule in words ({@code "split"}) and its
 * backend's key, status and reason, e.g. {@code "canary": { "ingress": "default/kubia-canary",
 * "rule": 0, "pathIndex": 0, "split": ["20 of 100 other requests go to the canary"],
 * "backend": "default/kubia-v2:80", "status": "READY", "reason": "1 ready endpoint" }}.
 *
 * <p>A route of a Gateway API HTTPRoute has {@code "kind": "HTTPRoute"}; its {@code "ingress"} names
 * the HTTPRoute, {@code "rule"} and {@code "pathIndex"} its rule and match ({@code -1} for a rule
 * without matches), and {@code "conditions"}, {@code "filters"} and {@code "split"} (weighted
 * backendRefs) say what it asks, when it asks anything.
 */
final class RoutesJson {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String ANY_HOST = "*";

    private RoutesJson() {
    }

    static String render(Router router, List<Problem> servingProblems) {
        RouteTable table = router.current();
        ObjectNode root = MAPPER.createObjectNode();
        root.put("loaded", router.hasTable());
        root.put("swapCount", router.swapCount());
        Instant lastSwap = router.lastSwap();
        root.put("lastSwap", lastSwap == null ? null : lastSwap.toString());

        Map<String, ArrayNode> pathsByHost = new LinkedHashMap<>();
        Map<String, Route> defaultByHost = new LinkedHashMap<>();
        for (Route route : table.routes()) {
            String host = route.host() == null ? ANY_HOST : route.host();
            if (route == table.defaultRoute()) {
                continue;
            }
            ArrayNode paths = pathsByHost.computeIfAbsent(host, h -> MAPPER.createArrayNode());
            if (route.isDefaultBackend()) {
                defaultByHost.put(host, route);
            } else {
                paths.add(route(route, table));
            }
        }
        Map<String, List<String>> aliasesByHost = new LinkedHashMap<>();
        table.hostAliases().forEach((alias, host) -> aliasesByHost.computeIfAbsent(host, h -> new ArrayList<>()).add(alias));
        ArrayNode hosts = root.putArray("hosts");
        pathsByHost.forEach((host, paths) -> {
            ObjectNode node = hosts.addObject();
            node.put("host", host);
            List<String> aliases = aliasesByHost.get(host);
            if (aliases != null) {
                // server-alias: other names of this host, matched exactly as it is
                aliases.forEach(node.putArray("aliases")::add);
            }
            node.set("paths", paths);
            Route defaultRoute = defaultByHost.get(host);
            if (defaultRoute != null) {
                node.set("defaultBackend", route(defaultRoute, table));
            }
        });

        Route defaultRoute = table.defaultRoute();
        if (defaultRoute == null) {
            root.putNull("defaultBackend");
        } else {
            root.set("defaultBackend", route(defaultRoute, table));
        }

        ArrayNode backends = root.putArray("backends");
        for (Backend backend : table.backends()) {
            backends.add(backend(backend));
        }

        root.set("tcpServices", TcpServicesJson.render(table.tcpServices()));

        List<Problem> allProblems = problems(table, servingProblems);
        ArrayNode tls = root.putArray("tls");
        for (Map.Entry<String, TlsSecret> entry : new TreeMap<>(table.certificates()).entrySet()) {
            ObjectNode node = tls.addObject();
            node.put("host", entry.getKey());
            node.put("secret", entry.getValue().key());
            for (Problem problem : servingProblems) {
                if (problem.kind().equals("Secret") && problem.object().equals(entry.getValue().key())) {
                    node.put("problem", problem.toString());
                }
            }
        }

        TlsSecret defaultSecret = table.defaultCertificate();
        if (defaultSecret == null) {
            root.putNull("defaultCertificate");  // the self-signed one
        } else {
            ObjectNode node = root.putObject("defaultCertificate");
            node.put("secret", defaultSecret.key());
            for (Problem problem : servingProblems) {
                if (problem.kind().equals("Secret") && problem.object().equals(defaultSecret.key())) {
                    node.put("problem", problem.toString());
                }
            }
        }

        ArrayNode blocks = root.putArray("requestBlocks");
        table.serverSettings().requestBlocks().describe().forEach(blocks::add);

        ArrayNode problems = root.putArray("problems");
        for (Problem problem : allProblems) {
            ObjectNode node = problems.addObject();
            node.put("kind", problem.kind());
            node.put("object", problem.object());
            node.put("field", problem.field());
            node.put("message", problem.message());
            node.put("severity", problem.severity().name());
            node.put("text", problem.toString());
        }
        try {
            return MAPPER.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            // a tree of strings and numbers always serialises; this would be a bug in this class
            throw new IllegalStateException("cannot write /routes", e);
        }
    }

    /** The table's problems, then what the server cannot serve of it. */
    static List<Problem> problems(RouteTable table, List<Problem> servingProblems) {
        if (servingProblems.isEmpty()) {
            return table.problems();
        }
        List<Problem> all = new ArrayList<>(table.problems());
        all.addAll(servingProblems);
        return all;
    }

    private static ObjectNode route(Route route, RouteTable table) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("host", route.host() == null ? ANY_HOST : route.host());
        node.put("path", route.path());
        node.put("pathType", route.pathType() == null ? null : route.pathType().apiName());
        if (route.pathPattern() != null) {
            node.put("regex", route.pathPattern().pattern());  // its host's paths are regexes (use-regex, rewrite-target)
        }
        node.put("ingress", route.ingress());
        if (route.isDefaultBackendService()) {
            node.put("kind", route.kind());  // "ingress" names the default backend Service (--default-backend-service)
        }
        if (route.isGatewayRoute()) {
            // "ingress" names the HTTPRoute; "rule" and "pathIndex" its rule and match (-1: a rule without matches)
            node.put("kind", route.kind());
            if (route.conditions() != null) {
                node.put("conditions", route.conditions().describe());
            }
            if (route.filters() != null) {
                node.put("filters", route.filters().describe());
            }
            if (route.split() != null) {
                node.put("split", route.split().describe());
            }
        }
        if (!route.isDefaultBackend()) {
            node.put("rule", route.ruleIndex());
            node.put("pathIndex", route.pathIndex());
        }
        node.put("sslRedirect", route.sslRedirect());
        if (!route.policy().isNone()) {
            ArrayNode policy = node.putArray("policy");
            route.policy().describe().forEach(policy::add);
        }
        java.util.Set<String> fromConfigMap = route.kind() == Route.KIND_INGRESS ? table.configMapDefaults(route.ingress())
                : java.util.Set.of();
        if (!fromConfigMap.isEmpty()) {
            // the annotations its policy has from the controller's ConfigMap, not from the Ingress
            new java.util.TreeSet<>(fromConfigMap).forEach(node.putArray("fromConfigMap")::add);
        }
        Backend backend = route.backend();
        node.put("backend", backend.key());
        node.put("status", backend.status().name());
        node.put("reason", backend.reason());
        if (backend.tls() != null) {
            node.put("tls", backend.tls().describe());
        }
        if (backend.filters() != null) {
            node.put("backendFilters", backend.filters().describe());  // an HTTPRoute backendRef's own
        }
        if (route.canary() != null) {
            canary(route.canary(), node.putObject("canary"));
        }
        return node;
    }

    private static void canary(Canary canary, ObjectNode node) {
        node.put("ingress", canary.ingress());
        node.put("rule", canary.ruleIndex());
        node.put("pathIndex", canary.pathIndex());
        ArrayNode split = node.putArray("split");
        canary.describe().forEach(split::add);
        node.put("backend", canary.backend().key());
        node.put("status", canary.backend().status().name());
        node.put("reason", canary.backend().reason());
    }

    static ObjectNode backend(Backend backend) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("key", backend.key());
        node.put("namespace", backend.namespace());
        node.put("service", backend.serviceName());
        node.put("port", backend.port() == null ? null : backend.port().toString());
        node.put("status", backend.status().name());
        node.put("reason", backend.reason());
        node.put("strategy", backend.balancer().strategy().name());
        if (backend.balancer().affinityMode() != null) {
            node.put("affinityMode", backend.balancer().affinityMode());
            node.put("affinityCookie", backend.balancer().affinityCookie());
        }
        ArrayNode endpoints = node.putArray("endpoints");
        List<Endpoint> list = backend.endpoints();
        for (Endpoint endpoint : list) {
            Endpoint.Stats stats = endpoint.stats();
            ObjectNode e = endpoints.addObject();
            e.put("id", endpoint.id());
            e.put("address", endpoint.address());
            e.put("port", endpoint.port());
            e.put("zone", endpoint.zone());
            e.put("pod", endpoint.targetName());
            e.put("weight", endpoint.weight());
            e.put("requests", stats.requests());
            e.put("failures", stats.failures());
            e.put("consecutiveFailures", stats.consecutiveFailures());
            e.put("ejections", stats.ejections());
            e.put("ejected", stats.ejected());
            e.put("inFlight", stats.inFlight());
            double ewma = stats.ewmaMillis();
            if (Double.isFinite(ewma)) {
                e.put("ewmaMillis", ewma);
            } else {
                e.putNull("ewmaMillis");
            }
        }
        return node;
    }
}
