package io.jingress.bench;

import io.jingress.core.model.ClusterState;
import io.jingress.core.model.EndpointSlice;
import io.jingress.core.model.HttpIngressPath;
import io.jingress.core.model.Ingress;
import io.jingress.core.model.IngressBackend;
import io.jingress.core.model.IngressRule;
import io.jingress.core.model.PathType;
import io.jingress.core.model.Service;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A realistic, reproducible configuration of {@code rules} route rules (one rule = one host + path)
 * and a shuffled mix of requests against it: hits on exact hosts, wildcard hits, deep prefixes,
 * exact paths, and misses (unknown host, known host with an unknown path).
 */
public final class RuleSet {
    /** Paths per Ingress rule; an Ingress holds one host. */
    private static final int PATHS_PER_INGRESS = 5;
    private static final int SERVICES = 100;
    private static final String[] WORDS = {"api", "v1", "v2", "users", "orders", "cart", "static", "img",
        "admin", "reports", "search", "auth", "billing", "catalog", "items", "health"};

    private final List<Ingress> ingresses;
    private final ClusterState state;
    private final String[] requestHosts;
    private final String[] requestPaths;

    private RuleSet(List<Ingress> ingresses, ClusterState state, String[] requestHosts, String[] requestPaths) {
        this.ingresses = ingresses;
        this.state = state;
        this.requestHosts = requestHosts;
        this.requestPaths = requestPaths;
    }

    /** Ingresses holding {@code rules} host+path rules, and {@code requests} requests (seeded). */
    public static RuleSet generate(int rules, int requests, long seed) {
        Random random = new Random(seed);
        List<Ingress> ingresses = new ArrayList<>();
        List<String[]> hits = new ArrayList<>(); // {host, path} that some rule serves
        Instant created = Instant.parse("2024-01-01T00:00:00Z");
        int made = 0;
        for (int i = 0; made < rules; i++) {
            boolean wildcard = i % 5 == 4;               // one host in five is a wildcard
            boolean anyHost = i == 7;                    // a single catch-all rule set, as clusters have
            String host = anyHost ? null : wildcard ? "*.w" + i + ".example.net" : "svc" + i + ".team" + (i % 97) + ".example.com";
            int paths = Math.min(PATHS_PER_INGRESS, rules - made);
            List<HttpIngressPath> httpPaths = new ArrayList<>();
            for (int p = 0; p < paths; p++) {
                boolean exact = p % 3 == 2;
                String path = pathOf(i, p, 1 + (i + p) % 4);
                IngressBackend backend = IngressBackend.service("svc-" + ((i + p) % SERVICES), 80);
                httpPaths.add(new HttpIngressPath(path, exact ? PathType.EXACT : PathType.PREFIX, backend));
                String requestHost = anyHost ? "unlisted" + p + ".example.org"
                        : wildcard ? "pod" + p + host.substring(1) : host;
                hits.add(new String[] {requestHost, exact ? path : path + "/deeper/still/x" + p});
            }
            ingresses.add(Ingress.builder("ns" + (i % 50), "ing-" + i)
                    .creationTimestamp(created.plusSeconds(i))
                    .rule(new IngressRule(host, httpPaths))
                    .build());
            made += paths;
        }
        ClusterState.Builder state = ClusterState.builder();
        ingresses.forEach(state::ingress);
        for (int n = 0; n < 50; n++) {
            for (int s = 0; s < SERVICES; s++) {
                String namespace = "ns" + n;
                if (!usesNamespace(ingresses, namespace)) {
                    continue;
                }
                state.service(Service.of(namespace, "svc-" + s, Service.Port.of("http", 80, 8080)));
                state.endpointSlice(new EndpointSlice(namespace, "svc-" + s + "-abcde", "svc-" + s, "IPv4",
                        List.of(EndpointSlice.Port.of("http", 8080)),
                        List.of(EndpointSlice.Endpoint.ready("10." + n + "." + s + ".1"),
                                EndpointSlice.Endpoint.ready("10." + n + "." + s + ".2"))));
            }
        }

        String[] hosts = new String[requests];
        String[] paths = new String[requests];
        for (int r = 0; r < requests; r++) {
            int kind = random.nextInt(10);
            if (kind < 7) {                                 // a hit, sometimes with a port or in capitals
                String[] hit = hits.get(random.nextInt(hits.size()));
                hosts[r] = kind == 0 ? hit[0] + ":80" : kind == 1 ? hit[0].toUpperCase(java.util.Locale.ROOT) : hit[0];
                paths[r] = hit[1];
            } else if (kind < 9) {                          // a known host, an unknown path
                String[] hit = hits.get(random.nextInt(hits.size()));
                hosts[r] = hit[0];
                paths[r] = "/nothing/here/" + r;
            } else {                                        // an unknown host
                hosts[r] = "unknown" + r + ".example.com";
                paths[r] = "/" + WORDS[r % WORDS.length];
            }
        }
        shuffle(hosts, paths, random);
        return new RuleSet(Collections.unmodifiableList(ingresses), state.build(), hosts, paths);
    }

    private static boolean usesNamespace(List<Ingress> ingresses, String namespace) {
        // Ingresses are spread over ns0..ns49 round robin, so namespace k exists once there are k+1 Ingresses.
        return Integer.parseInt(namespace.substring(2)) < ingresses.size();
    }

    private static String pathOf(int ingress, int path, int depth) {
        StringBuilder sb = new StringBuilder();
        sb.append('/').append(WORDS[(ingress + path) % WORDS.length]).append(path);
        for (int d = 1; d < depth; d++) {
            sb.append('/').append(WORDS[(ingress * 7 + path * 3 + d) % WORDS.length]);
        }
        if (path == 0) {
            sb.append("-i").append(ingress);
        }
        return sb.toString();
    }

    private static void shuffle(String[] hosts, String[] paths, Random random) {
        for (int i = hosts.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            String h = hosts[i];
            hosts[i] = hosts[j];
            hosts[j] = h;
            String p = paths[i];
            paths[i] = paths[j];
            paths[j] = p;
        }
    }

    public List<Ingress> ingresses() {
        return ingresses;
    }

    public ClusterState state() {
        return state;
    }

    public String[] requestHosts() {
        return requestHosts;
    }

    public String[] requestPaths() {
        return requestPaths;
    }
}
