package io.jingress.jetty.internal.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jingress.core.lb.Balancers;
import io.jingress.core.lb.PassiveHealth;
import io.jingress.core.model.ClusterState;
import io.jingress.core.model.EndpointSlice;
import io.jingress.core.model.HttpIngressPath;
import io.jingress.core.model.Ingress;
import io.jingress.core.model.IngressBackend;
import io.jingress.core.model.IngressRule;
import io.jingress.core.model.Service;
import io.jingress.core.route.Route;
import io.jingress.core.route.RouteCompiler;
import io.jingress.core.route.RouteTable;
import io.jingress.core.route.Router;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdminHandlerTest {
    private static final Instant SWAP_TIME = Instant.parse("2026-11-27T15:04:16.250Z");

    private final Router router = Router.create(Clock.fixed(SWAP_TIME, ZoneOffset.UTC));
    private final ProxyMetrics metrics = new ProxyMetrics();
    private LoopbackServer admin;

    @BeforeEach
    void start() throws Exception {
        admin = LoopbackServer.start(new AdminHandler(router, metrics));
    }

    @AfterEach
    void stop() throws Exception {
        admin.close();
    }

    @Test
    void healthzIsUnavailableUntilATableIsLoadedThenOk() throws Exception {
        HttpResponse<String> before = admin.get("/healthz");
        assertEquals(503, before.statusCode());
        assertEquals("no configuration loaded yet", before.body());

        router.swap(SmallTable.compile());

        HttpResponse<String> after = admin.get("/healthz");
        assertEquals(200, after.statusCode());
        assertEquals("ok", after.body());
    }

    @Test
    void anEmptyTableStillCountsAsLoaded() throws Exception {
        router.swap(RouteTable.empty());
        assertEquals(200, admin.get("/healthz").statusCode());
    }

    @Test
    void onlyGetAndHeadAreAllowed() throws Exception {
        for (String path : List.of("/healthz", "/metrics", "/status", "/routes")) {
            HttpResponse<String> response = admin.send(HttpRequest.newBuilder(admin.uri(path))
                    .POST(HttpRequest.BodyPublishers.ofString("x")).build());
            assertEquals(405, response.statusCode(), path);
            assertEquals("GET, HEAD", response.headers().firstValue("Allow").orElse(""), path);
        }
    }

    @Test
    void headGetsTheHeadOfWhatGetWouldAnswer() throws Exception {
        router.swap(SmallTable.compile());
        for (String path : List.of("/healthz", "/metrics", "/status", "/routes")) {
            HttpResponse<String> get = admin.get(path);
            HttpResponse<String> head = admin.send(HttpRequest.newBuilder(admin.uri(path))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
            assertEquals(200, head.statusCode(), path);
            assertEquals("", head.body(), path);
            assertEquals(get.headers().firstValue("Content-Type"), head.headers().firstValue("Content-Type"), path);
        }
    }

    @Test
    void unknownPathsAreNotFound() throws Exception {
        for (String path : List.of("/", "/healthz/", "/metrics/x", "/admin", "/favicon.ico")) {
            assertEquals(404, admin.get(path).statusCode(), path);
        }
    }

    @Test
    void metricsArePrometheusTextWithHelpAndTypeForEveryFamily() throws Exception {
        router.swap(SmallTable.compile());
        metrics.onRequest(null, "GET", 404, -1);

        HttpResponse<String> response = admin.get("/metrics");

        assertEquals(200, response.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", response.headers().firstValue("Content-Type").orElse(""));
        PrometheusParser parsed = PrometheusParser.parse(response.body());
        for (PrometheusParser.Sample sample : parsed.samples()) {
            assertTrue(sample.name().startsWith("jingress_"), sample.name());
        }
        assertEquals("counter", parsed.type("jingress_requests_total"));
        assertEquals("histogram", parsed.type("jingress_upstream_latency_seconds"));
        assertEquals("gauge", parsed.type("jingress_connections_active"));
    }

    @Test
    void requestCountersMoveByIngressServiceMethodAndStatusClass() throws Exception {
        RouteTable table = SmallTable.compile();
        router.swap(table);
        Route kubia = SmallTable.route(table, "kubia.example.com", "/");
        Route api = SmallTable.route(table, "kubia.example.com", "/api");

        metrics.onRequest(kubia, "GET", 200, 3_000_000);
        metrics.onRequest(kubia, "GET", 204, 4_000_000);
        metrics.onRequest(kubia, "PROPFIND", 502, 1_000_000);
        metrics.onRequest(api, "POST", 503, -1);
        metrics.onRequest(null, "GET", 404, -1);

        PrometheusParser parsed = PrometheusParser.parse(admin.get("/metrics").body());
        assertEquals(2, parsed.value("jingress_requests_total",
                "ingress", "default/kubia", "service", "default/kubia:80", "method", "GET", "status", "2xx"));
        assertEquals(1, parsed.value("jingress_requests_total",
                "ingress", "default/kubia", "service", "default/kubia:80", "method", "other", "status", "5xx"));
        assertEquals(1, parsed.value("jingress_requests_total",
                "ingress", "default/kubia", "service", "default/api:80", "method", "POST", "status", "5xx"));
        assertEquals(1, parsed.value("jingress_requests_total",
                "ingress", "", "service", "", "method", "GET", "status", "4xx"));

        metrics.onRequest(kubia, "GET", 200, 5_000_000);
        PrometheusParser later = PrometheusParser.parse(admin.get("/metrics").body());
        assertEquals(3, later.value("jingress_requests_total",
                "ingress", "default/kubia", "service", "default/kubia:80", "method", "GET", "status", "2xx"));
    }

    @Test
    void requestsOfTheSameRouteInANewTableAddToTheSameSeries() throws Exception {
        RouteTable first = SmallTable.compile();
        router.swap(first);
        metrics.onRequest(SmallTable.route(first, "kubia.example.com", "/"), "GET", 200, 1_000_000);
        RouteTable second = SmallTable.compile();
        router.swap(second);
        metrics.onRequest(SmallTable.route(second, "kubia.example.com", "/"), "GET", 200, 1_000_000);
        // a request still in flight from the old table ends after the swap
        metrics.onRequest(SmallTable.route(first, "kubia.example.com", "/"), "GET", 200, 1_000_000);

        PrometheusParser parsed = PrometheusParser.parse(admin.get("/metrics").body());
        assertEquals(3, parsed.value("jingress_requests_total",
                "ingress", "default/kubia", "service", "default/kubia:80", "method", "GET", "status", "2xx"));
        assertEquals(3, parsed.value("jingress_upstream_latency_seconds_count", "service", "default/kubia:80"));
    }

    @Test
    void upstreamLatencyBucketsAreCumulativeAndEndInTheCount() throws Exception {
        RouteTable table = SmallTable.compile();
        Route kubia = SmallTable.route(table, "kubia.example.com", "/");
        long[] latenciesNanos = {1_000_000, 5_000_000, 7_000_000, 40_000_000, 300_000_000, 2_000_000_000L, 60_000_000_000L};
        for (long nanos : latenciesNanos) {
            metrics.onRequest(kubia, "GET", 200, nanos);
        }
        metrics.onRequest(kubia, "GET", 503, -1);

        PrometheusParser parsed = PrometheusParser.parse(admin.get("/metrics").body());
        List<Double> buckets = new ArrayList<>();
        for (String le : LatencyHistogram.BUCKET_LABELS) {
            buckets.add(parsed.value("jingress_upstream_latency_seconds_bucket", "service", "default/kubia:80", "le", le));
        }
        assertEquals(List.of(2.0, 3.0, 3.0, 4.0, 4.0, 4.0, 5.0, 5.0, 6.0, 6.0, 6.0, 7.0), buckets);
        assertEquals(7, parsed.value("jingress_upstream_latency_seconds_count", "service", "default/kubia:80"));
        assertEquals(62.353, parsed.value("jingress_upstream_latency_seconds_sum", "service", "default/kubia:80"), 1e-9);
    }

    @Test
    void tableMetricsFollowTheRouter() throws Exception {
        PrometheusParser before = PrometheusParser.parse(admin.get("/metrics").body());
        assertEquals(0, before.value("jingress_route_table_loaded"));
        assertEquals(0, before.value("jingress_route_table_swaps_total"));

        router.swap(SmallTable.compile());
        router.swap(SmallTable.compile());

        PrometheusParser after = PrometheusParser.parse(admin.get("/metrics").body());
        assertEquals(1, after.value("jingress_route_table_loaded"));
        assertEquals(2, after.value("jingress_route_table_swaps_total"));
        assertEquals(SWAP_TIME.toEpochMilli() / 1000.0, after.value("jingress_route_table_last_swap_timestamp_seconds"));
        assertEquals(2, after.value("jingress_backend_endpoints", "service", "default/kubia:80"));
        assertEquals(0, after.value("jingress_backend_endpoints", "service", "default/api:80"));
        assertEquals(0, after.value("jingress_endpoints_ejected"));
        assertTrue(after.value("jingress_route_table_problems", "severity", "error") >= 1);
        assertTrue(after.value("jingress_route_table_problems", "severity", "warning") >= 1);
    }

    @Test
    void labelValuesAreEscaped() {
        PrometheusText text = new PrometheusText();
        text.metric("jingress_test", "gauge", "a \\ help\nline").sample("jingress_test", 1, "x", "a\"b\\c\nd");
        assertEquals("# HELP jingress_test a \\\\ help\\nline\n# TYPE jingress_test gauge\n"
                + "jingress_test{x=\"a\\\"b\\\\c\\nd\"} 1\n", text.toString());
        PrometheusParser parsed = PrometheusParser.parse(text.toString());
        assertEquals(1, parsed.value("jingress_test", "x", "a\"b\\c\nd"));
    }

    @Test
    void routesShowTheAffinityModeAndCookieOfABackendWithCookieAffinity() throws Exception {
        String nginx = "nginx.ingress.kubernetes.io/";
        ClusterState.Builder state = ClusterState.builder();
        for (String service : List.of("sticky", "balanced", "plain")) {
            state.service(Service.of("default", service,
                    Service.Port.of("http", 80, 8080)));
            Ingress.Builder ingress = Ingress.builder("default", service)
                    .rule(IngressRule.of(service + ".test", io.jingress.core.model.HttpIngressPath
                            .prefix("/", IngressBackend.service(service, 80))));
            if (!service.equals("plain")) {
                ingress.annotation(nginx + "affinity", "cookie").annotation(nginx + "affinity-mode",
                        service.equals("balanced") ? "balanced" : "persistent");
            }
            if (service.equals("balanced")) {
                ingress.annotation(nginx + "session-cookie-name", "route");
            }
            state.ingress(ingress.build());
        }
        router.swap(RouteCompiler.create(Balancers.create()).compile(state.build()));

        JsonNode root = new ObjectMapper().readTree(admin.get("/routes").body());

        JsonNode sticky = backend(root, "default/sticky:80");
        assertEquals("COOKIE_AFFINITY", sticky.get("strategy").asText());
        assertEquals("persistent", sticky.get("affinityMode").asText());
        assertEquals("INGRESSCOOKIE", sticky.get("affinityCookie").asText());
        JsonNode balanced = backend(root, "default/balanced:80");
        assertEquals("balanced", balanced.get("affinityMode").asText());
        assertEquals("route", balanced.get("affinityCookie").asText());
        assertFalse(backend(root, "default/plain:80").has("affinityMode"));
    }

    @Test
    void routesNameTheDefaultCertificatesSecret() throws Exception {
        router.swap(SmallTable.compileWithDefaultCertificate());

        JsonNode root = new ObjectMapper().readTree(admin.get("/routes").body());

        assertEquals("default/kubia-tls", root.get("defaultCertificate").get("secret").asText());
    }

    @Test
    void routesShowHostsPathsBackendsEndpointsTlsAndProblems() throws Exception {
        router.swap(SmallTable.compile());

        HttpResponse<String> response = admin.get("/routes");

        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        assertFalse(response.body().contains("PRIVATE KEY"), "key material leaked");
        assertFalse(response.body().contains("TUlJRXZnSUJBREFOQmdrcWhraUc5dzBCQVFFRkFBU0NCS2d3"), "key material leaked");
        JsonNode root = new ObjectMapper().readTree(response.body());
        assertTrue(root.get("loaded").asBoolean());
        assertEquals(1, root.get("swapCount").asLong());
        assertEquals(SWAP_TIME.toString(), root.get("lastSwap").asText());

        JsonNode hosts = root.get("hosts");
        assertEquals(1, hosts.size(), hosts.toString());
        assertEquals("kubia.example.com", hosts.get(0).get("host").asText());
        List<String> paths = new ArrayList<>();
        for (JsonNode path : hosts.get(0).get("paths")) {
            paths.add(path.get("path").asText() + " " + path.get("pathType").asText() + " " + path.get("ingress").asText()
                    + " -> " + path.get("backend").asText() + " " + path.get("status").asText());
        }
        assertTrue(paths.contains("/ Prefix default/kubia -> default/kubia:80 READY"), paths.toString());
        assertTrue(paths.contains("/api Exact default/kubia -> default/api:80 SERVICE_NOT_FOUND"), paths.toString());

        JsonNode defaultBackend = root.get("defaultBackend");
        assertEquals("default/fallback", defaultBackend.get("ingress").asText());
        assertEquals("default/kubia:80", defaultBackend.get("backend").asText());

        JsonNode kubia = backend(root, "default/kubia:80");
        assertEquals("READY", kubia.get("status").asText());
        assertEquals("ROUND_ROBIN", kubia.get("strategy").asText());
        List<String> endpoints = new ArrayList<>();
        for (JsonNode endpoint : kubia.get("endpoints")) {
            endpoints.add(endpoint.get("id").asText() + " " + endpoint.get("zone").asText() + " "
                    + endpoint.get("pod").asText() + " w" + endpoint.get("weight").asInt()
                    + " ejected=" + endpoint.get("ejected").asBoolean() + " inFlight=" + endpoint.get("inFlight").asInt());
        }
        assertEquals(List.of("10.244.1.7:8080 zone-a kubia-4mcp9 w1 ejected=false inFlight=0",
                "10.244.2.9:8080 zone-b kubia-7xk2p w1 ejected=false inFlight=0"), endpoints);
        JsonNode api = backend(root, "default/api:80");
        assertEquals("SERVICE_NOT_FOUND", api.get("status").asText());
        assertFalse(api.get("reason").asText().isEmpty());
        assertEquals(0, api.get("endpoints").size());

        assertEquals("kubia.example.com", root.get("tls").get(0).get("host").asText());
        assertEquals("default/kubia-tls", root.get("tls").get(0).get("secret").asText());
        assertTrue(root.get("defaultCertificate").isNull(), "the self-signed one");

        List<String> problems = new ArrayList<>();
        for (JsonNode problem : root.get("problems")) {
            problems.add(problem.get("severity").asText() + " " + problem.get("object").asText());
        }
        assertTrue(problems.contains("ERROR default/broken"), problems.toString());
    }

    @Test
    void endpointStatisticsInRoutesMoveWithTraffic() throws Exception {
        RouteTable table = SmallTable.compile();
        router.swap(table);
        Route kubia = SmallTable.route(table, "kubia.example.com", "/");
        var endpoint = kubia.backend().endpoints().get(0);
        endpoint.onEnd(endpoint.onStart(), true);
        long held = endpoint.onStart();

        JsonNode root = new ObjectMapper().readTree(admin.get("/routes").body());
        JsonNode first = backend(root, "default/kubia:80").get("endpoints").get(0);
        assertEquals(endpoint.id(), first.get("id").asText());
        assertEquals(2, first.get("requests").asLong());
        assertEquals(1, first.get("inFlight").asInt());
        endpoint.onEnd(held, true);
    }

    @Test
    void anEndpointEjectedByPassiveHealthShowsInMetricsAndRoutes() throws Exception {
        RouteTable table = SmallTable.compile();
        router.swap(table);
        var endpoint = SmallTable.route(table, "kubia.example.com", "/").backend().endpoints().get(0);
        for (int i = 0; i < PassiveHealth.DEFAULT.consecutiveFailures(); i++) {
            endpoint.onEnd(endpoint.onStart(), false);
        }
        assertTrue(endpoint.isEjected(), "passive health did not eject " + endpoint);

        PrometheusParser parsed = PrometheusParser.parse(admin.get("/metrics").body());
        assertEquals(1, parsed.value("jingress_endpoints_ejected"));
        assertEquals(1, parsed.value("jingress_backend_endpoints_ejected", "service", "default/kubia:80"));
        JsonNode first = backend(new ObjectMapper().readTree(admin.get("/routes").body()), "default/kubia:80")
                .get("endpoints").get(0);
        assertEquals(endpoint.id(), first.get("id").asText());
        assertTrue(first.get("ejected").asBoolean());
        assertEquals(1, first.get("ejections").asInt());
        assertEquals(PassiveHealth.DEFAULT.consecutiveFailures(), first.get("failures").asInt());
    }

    @Test
    void routesShowAHostsOwnDefaultBackendInItsEntryAndTheCatchAllApart() throws Exception {
        Ingress teamA = Ingress.builder("team-a", "a").creationTimestamp(Instant.ofEpochSecond(1))
                .defaultBackend(IngressBackend.service("svc1", 80))
                .rule(IngressRule.of("a.com", HttpIngressPath.prefix("/app", IngressBackend.service("app", 80))))
                .build();
        Ingress b = Ingress.builder("default", "b").creationTimestamp(Instant.ofEpochSecond(2))
                .rule(IngressRule.of("b.com", HttpIngressPath.prefix("/b", IngressBackend.service("web", 80))))
                .build();
        router.swap(RouteCompiler.create(Balancers.create())
                .compile(ClusterState.builder().ingress(teamA).ingress(b).build()));

        JsonNode root = new ObjectMapper().readTree(admin.get("/routes").body());

        JsonNode hosts = root.get("hosts");
        assertEquals("a.com", hosts.get(0).get("host").asText());
        JsonNode aDefault = hosts.get(0).get("defaultBackend");
        assertEquals("team-a/a", aDefault.get("ingress").asText());
        assertEquals("team-a/svc1:80", aDefault.get("backend").asText());
        assertEquals(1, hosts.get(0).get("paths").size(), hosts.get(0).toString());
        assertEquals("b.com", hosts.get(1).get("host").asText());
        assertFalse(hosts.get(1).has("defaultBackend"), hosts.get(1).toString());
        assertTrue(root.get("defaultBackend").isNull(), "team-a's defaultBackend is no catch-all");
    }

    @Test
    void routesShowTheDefaultBackendServiceAsTheCatchAllAndAsTheFallbackOfIngressHosts() throws Exception {
        Ingress b = Ingress.builder("default", "b").creationTimestamp(Instant.ofEpochSecond(2))
                .rule(IngressRule.of("b.com", HttpIngressPath.prefix("/b", IngressBackend.service("web", 80))))
                .build();
        router.swap(RouteCompiler.create(Balancers.create()).withDefaultBackendService("ingress/errors")
                .compile(ClusterState.builder().ingress(b)
                        .service(Service.of("ingress", "errors", Service.Port.of("http", 80, 8080)))
                        .endpointSlice(new EndpointSlice("ingress", "errors-1", "errors", "IPv4",
                                List.of(EndpointSlice.Port.of("http", 8080)), List.of(EndpointSlice.Endpoint.ready("10.0.0.9"))))
                        .build()));

        JsonNode root = new ObjectMapper().readTree(admin.get("/routes").body());

        JsonNode catchAll = root.get("defaultBackend");
        assertEquals("Service", catchAll.get("kind").asText());
        assertEquals("ingress/errors", catchAll.get("ingress").asText());
        assertEquals("ingress/errors:80", catchAll.get("backend").asText());
        assertEquals("READY", catchAll.get("status").asText());
        JsonNode host = root.get("hosts").get(0);
        assertEquals("b.com", host.get("host").asText());
        assertEquals("Service", host.get("defaultBackend").get("kind").asText());
        assertEquals("ingress/errors", host.get("defaultBackend").get("ingress").asText());
        assertEquals(1, host.get("paths").size(), host.toString());
        assertEquals(1, backend(root, "ingress/errors:80").get("endpoints").size());
    }

    private static JsonNode backend(JsonNode root, String key) {
        for (JsonNode backend : root.get("backends")) {
            if (backend.get("key").asText().equals(key)) {
                return backend;
            }
        }
        throw new AssertionError("no backend " + key + " in " + root.get("backends"));
    }
}
