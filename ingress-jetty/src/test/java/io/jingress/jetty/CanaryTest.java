package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.jingress.jetty.testing.Await;
import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.TestRoutes;
import io.jingress.jetty.testing.WireClient;

import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Canary Ingresses ({@code canary: "true"}) through {@link IngressServer}: a main Ingress's route
 * sends the requests its canary's rule chooses (header, then cookie, then weight) to the canary
 * Ingress's Service, and the rest to its own, over real loopback backends.
 */
class CanaryTest {
    private static final String NGINX = "nginx.ingress.kubernetes.io/";

    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    private Backends.Echo main;
    private Backends.Echo canary;

    /** A proxy with app.test / to Service "main" and a canary Ingress for it to Service "canary". */
    private IngressServer proxyWithCanary(Map<String, String> canaryAnnotations) {
        return proxyWithCanary(canaryAnnotations, null);
    }

    private IngressServer proxyWithCanary(Map<String, String> canaryAnnotations, StringBuffer log) {
        main = backends.start("main");
        canary = backends.start("canary");
        Map<String, String> annotations = new HashMap<>(canaryAnnotations);
        annotations.put(NGINX + "canary", "true");
        TestRoutes routes = TestRoutes.create()
                .route("app.test", "/", "main", main.port())
                .route("app.test", "/", "canary", annotations, canary.port());
        IngressServer.Builder builder = IngressServer.builder(routes.router());
        return proxies.start(log == null ? builder : builder.accessLog(log));
    }

    private static int get(IngressServer proxy, String... headerLines) throws Exception {
        StringBuilder request = new StringBuilder("GET /x HTTP/1.1\r\nHost: app.test\r\n");
        for (String line : headerLines) {
            request.append(line).append("\r\n");
        }
        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            WireClient.Response response = client.exchange(request.append("\r\n").toString());
            return response.status();
        }
    }

    /** Sends {@code count} requests on one connection; returns how many the canary got. */
    private int canaryShareOf(IngressServer proxy, int count, String... headerLines) throws Exception {
        int before = canary.requests();
        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            for (int i = 0; i < count; i++) {
                StringBuilder request = new StringBuilder("GET /x HTTP/1.1\r\nHost: app.test\r\n");
                for (String line : headerLines) {
                    request.append(line).append("\r\n");
                }
                assertEquals(200, client.exchange(request.append("\r\n").toString()).status());
            }
        }
        return canary.requests() - before;
    }

    @Test
    void theHeaderAlwaysSendsToTheCanaryNeverKeepsOffItAndOtherValuesFallThrough() throws Exception {
        IngressServer proxy = proxyWithCanary(Map.of(NGINX + "canary-by-header", "X-Canary",
                NGINX + "canary-weight", "100"));

        assertEquals(3, canaryShareOf(proxy, 3, "X-Canary: always"));
        assertEquals(0, canaryShareOf(proxy, 3, "X-Canary: never"));
        assertEquals(3, main.requests());
        // another value is ignored: the weight (all of them) decides
        assertEquals(2, canaryShareOf(proxy, 2, "X-Canary: yes"));
        assertEquals(2, canaryShareOf(proxy, 2));
        assertEquals(3, main.requests());
    }

    @Test
    void theHeaderWithoutAWeightSendsOnlyWhatItChooses() throws Exception {
        IngressServer proxy = proxyWithCanary(Map.of(NGINX + "canary-by-header", "X-Canary"));

        assertEquals(0, canaryShareOf(proxy, 5));
        assertEquals(1, canaryShareOf(proxy, 1, "x-canary: always"));
        assertEquals(5, main.requests());
    }

    @Test
    void aHeaderValueSendsOnlyThatValueToTheCanary() throws Exception {
        IngressServer proxy = proxyWithCanary(Map.of(NGINX + "canary-by-header", "X-Region",
                NGINX + "canary-by-header-value", "eu-west"));

        assertEquals(2, canaryShareOf(proxy, 2, "X-Region: eu-west"));
        assertEquals(0, canaryShareOf(proxy, 2, "X-Region: always"));
        assertEquals(0, canaryShareOf(proxy, 2, "X-Region: eu-west-2"));
        assertEquals(4, main.requests());
    }

    @Test
    void aHeaderPatternSendsTheValuesItFindsAMatchIn() throws Exception {
        IngressServer proxy = proxyWithCanary(Map.of(NGINX + "canary-by-header", "X-User",
                NGINX + "canary-by-header-pattern", "^(alice|bob)$"));

        assertEquals(1, canaryShareOf(proxy, 1, "X-User: alice"));
        assertEquals(1, canaryShareOf(proxy, 1, "X-User: bob"));
        assertEquals(0, canaryShareOf(proxy, 1, "X-User: carol"));
        assertEquals(0, canaryShareOf(proxy, 1, "X-User: always"));
        assertEquals(2, main.requests());
    }

    @Test
    void aHeaderValueOnWhichThePatternBacktracksWithoutEndIsNotSentToTheCanaryAndIsAnsweredPromptly() throws Exception {
        IngressServer proxy = proxyWithCanary(Map.of(NGINX + "canary-by-header", "X-User",
                NGINX + "canary-by-header-pattern", "^(a+){2,64}$"));

        // the pattern would backtrack for hours on this value; 10 s guard a hang, the answer takes milliseconds
        assertEquals(0, (int) assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> canaryShareOf(proxy, 1, "X-User: " + "a".repeat(40) + "!")));
        assertEquals(1, main.requests());
        assertEquals(1, canaryShareOf(proxy, 1, "X-User: aaaa"));
    }

    @Test
    void onARegexHostTheHeaderSendsToTheCanaryWhosePathIsTheMainsRegex() throws Exception {
        main = backends.start("main");
        canary = backends.start("canary");
        String regex = "/api/v\\d+/(.*)";
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .implementationSpecificRoute("app.test", regex, "main", Map.of(NGINX + "use-regex", "true"), main.port())
                .implementationSpecificRoute("app.test", regex, "canary", Map.of(NGINX + "canary", "true",
                        NGINX + "canary-by-header", "X-Canary"), canary.port())
                .router()));

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            String request = "GET /API/v2/users?id=7 HTTP/1.1\r\nHost: app.test\r\n";
            assertEquals(200, client.exchange(request + "X-Canary: always\r\n\r\n").status());
            assertEquals(200, client.exchange(request + "\r\n").status());
            assertEquals(404, client.exchange("GET /api/vx/users HTTP/1.1\r\nHost: app.test\r\nX-Canary: always\r\n\r\n")
                    .status());
        }
        assertEquals(1, canary.requests());
        assertEquals("/API/v2/users?id=7", canary.lastRequest().pathQuery());
        assertEquals(1, main.requests());
    }

    @Test
    void theCookieAlwaysSendsToTheCanaryAndNeverKeepsOffIt() throws Exception {
        IngressServer proxy = proxyWithCanary(Map.of(NGINX + "canary-by-cookie", "beta",
                NGINX + "canary-weight", "100"));

        assertEquals(0, canaryShareOf(proxy, 2, "Cookie: session=1; beta=never"));
        assertEquals(2, main.requests());
        assertEquals(2, canaryShareOf(proxy, 2, "Cookie: beta=always"));
        // another cookie of a similar name, or another value, leaves it to the weight
        assertEquals(1, canaryShareOf(proxy, 1, "Cookie: betas=never; other=1"));
    }

    @Test
    void theHeaderDecidesBeforeTheCookieAndTheCookieBeforeTheWeight() throws Exception {
        IngressServer proxy = proxyWithCanary(Map.of(NGINX + "canary-by-header", "X-Canary",
                NGINX + "canary-by-cookie", "beta", NGINX + "canary-weight", "100"));

        assertEquals(0, canaryShareOf(proxy, 1, "X-Canary: never", "Cookie: beta=always"));
        assertEquals(1, canaryShareOf(proxy, 1, "X-Canary: always", "Cookie: beta=never"));
        assertEquals(0, canaryShareOf(proxy, 1, "X-Canary: other", "Cookie: beta=never"));
        assertEquals(1, canaryShareOf(proxy, 1, "X-Canary: other", "Cookie: beta=other"));
        assertEquals(2, main.requests());
    }

    @Test
    void weightZeroSendsNothingAndWeight100SendsEverything() throws Exception {
        IngressServer none = proxyWithCanary(Map.of(NGINX + "canary-weight", "0"));
        assertEquals(0, canaryShareOf(none, 50));
        assertEquals(50, main.requests());

        IngressServer all = proxyWithCanary(Map.of(NGINX + "canary-weight", "100"));
        assertEquals(50, canaryShareOf(all, 50));
        assertEquals(0, main.requests());
    }

    @Test
    void weightFiftySendsAShareToEach() throws Exception {
        IngressServer proxy = proxyWithCanary(Map.of(NGINX + "canary-weight", "50"));

        int toCanary = canaryShareOf(proxy, 200);
        // a binomial(200, 0.5) is outside 50..150 with a chance below 1e-12
        assertTrue(toCanary >= 50 && toCanary <= 150, toCanary + " of 200");
        assertEquals(200 - toCanary, main.requests());
    }

    @Test
    void aWeightTotalScalesTheWeight() throws Exception {
        IngressServer proxy = proxyWithCanary(Map.of(NGINX + "canary-weight", "3", NGINX + "canary-weight-total", "3"));
        assertEquals(20, canaryShareOf(proxy, 20));
    }

    @Test
    void aBadWeightSendsNothingToTheCanary() throws Exception {
        IngressServer proxy = proxyWithCanary(Map.of(NGINX + "canary-weight", "150"));
        assertEquals(0, canaryShareOf(proxy, 20));
    }

    @Test
    void aRequestWithAStreamedBodyGoesWhereTheRuleSaysToo() throws Exception {
        IngressServer proxy = proxyWithCanary(Map.of(NGINX + "canary-by-header", "X-Canary"));
        String chunked = "POST /x HTTP/1.1\r\nHost: app.test\r\nX-Canary: always\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n0\r\n\r\n";
        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            assertEquals(200, client.exchange(chunked).status());
        }
        assertEquals(1, canary.requests());
        assertEquals(5, canary.lastRequest().bodyLength());
        assertEquals(0, main.requests());
    }

    @Test
    void aFailedTryIsRetriedOnAnotherEndpointOfTheCanaryNotOfTheMainBackend() throws Exception {
        main = backends.start("main");
        canary = backends.start("canary");
        TestRoutes routes = TestRoutes.create()
                .route("app.test", "/", "main", main.port())
                .route("app.test", "/", "canary", Map.of(NGINX + "canary", "true", NGINX + "canary-by-header", "X-Canary"),
                        backends.deadPort(), canary.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        assertEquals(4, canaryShareOf(proxy, 4, "X-Canary: always"));
        assertEquals(0, main.requests());
    }

    @Test
    void anHttp2RequestOverTlsGoesWhereTheRuleSays() throws Exception {
        main = backends.start("main");
        canary = backends.start("canary");
        TestRoutes routes = TestRoutes.create()
                .route(null, "/", "main", main.port())
                .route(null, "/", "canary", Map.of(NGINX + "canary", "true", NGINX + "canary-by-header", "X-Canary",
                        NGINX + "canary-by-cookie", "beta"), canary.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router())
                .httpsBindAddress("127.0.0.1").httpsPort(0));
        HttpClient http2 = proxies.http2Client();
        String url = "https://127.0.0.1:" + proxy.httpsPort() + "/h2";
        ContentResponse toCanary = http2.newRequest(url).headers(h -> h.put("X-Canary", "always"))
                .timeout(10, TimeUnit.SECONDS).send();
        assertEquals(200, toCanary.getStatus());
        assertEquals(HttpVersion.HTTP_2, toCanary.getVersion());
        assertEquals(1, canary.requests());
        ContentResponse toMain = http2.newRequest(url).headers(h -> h.put("Cookie", "beta=never"))
                .timeout(10, TimeUnit.SECONDS).send();
        assertEquals(200, toMain.getStatus());
        assertEquals(1, main.requests());
        assertEquals(1, canary.requests());
    }

    @Test
    void aCanaryWithoutReadyEndpointsTakesNoRequests() throws Exception {
        main = backends.start("main");
        TestRoutes routes = TestRoutes.create()
                .route("app.test", "/", "main", main.port())
                .route("app.test", "/", "canary", Map.of(NGINX + "canary", "true", NGINX + "canary-weight", "100"));
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));

        assertEquals(200, get(proxy));
        assertEquals(200, get(proxy));
        assertEquals(2, main.requests());
    }

    @Test
    void theAccessLogNamesTheCanarysServiceBesideTheMainOne() throws Exception {
        StringBuffer log = new StringBuffer();
        IngressServer proxy = proxyWithCanary(Map.of(NGINX + "canary-by-header", "X-Canary"), log);

        assertEquals(200, get(proxy, "X-Canary: always", "X-Mark: to-canary"));
        assertEquals(200, get(proxy, "X-Mark: to-main"));
        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            client.exchange("GET /canary-logged HTTP/1.1\r\nHost: app.test\r\nX-Canary: always\r\n\r\n");
            client.exchange("GET /main-logged HTTP/1.1\r\nHost: app.test\r\n\r\n");
        }

        String toCanary = loggedLine("/canary-logged", log);
        assertTrue(toCanary.contains(" [default/main:80] [default/canary:80] 127.0.0.1:" + canary.port() + " "), toCanary);
        String toMain = loggedLine("/main-logged", log);
        assertTrue(toMain.contains(" [default/main:80] [] 127.0.0.1:" + main.port() + " "), toMain);
    }

    @Test
    void metricsCountTheCanarysRequestsUnderItsService() throws Exception {
        IngressServer proxy = proxyWithCanary(Map.of(NGINX + "canary-by-header", "X-Canary"));

        assertEquals(200, get(proxy, "X-Canary: always"));
        assertEquals(200, get(proxy));
        assertEquals(200, get(proxy));

        String metrics = proxies.client().newRequest("127.0.0.1", proxy.adminPort()).path("/metrics").send()
                .getContentAsString();
        assertTrue(metrics.contains("jingress_requests_total{ingress=\"default/ingress-1\",service=\"default/canary:80\","
                + "method=\"GET\",status=\"2xx\"} 1"), metrics);
        assertTrue(metrics.contains("jingress_requests_total{ingress=\"default/ingress-1\",service=\"default/main:80\","
                + "method=\"GET\",status=\"2xx\"} 2"), metrics);
    }

    @Test
    void routesShowsTheCanaryUnderItsMainRoute() throws Exception {
        IngressServer proxy = proxyWithCanary(Map.of(NGINX + "canary-by-cookie", "beta", NGINX + "canary-weight", "10"));

        JsonNode routes = new ObjectMapper().readTree(proxies.client().newRequest("127.0.0.1", proxy.adminPort())
                .path("/routes").send().getContentAsString());
        JsonNode route = routes.get("hosts").get(0).get("paths").get(0);
        assertEquals("default/ingress-1", route.get("ingress").asText());
        assertEquals("default/main:80", route.get("backend").asText());
        JsonNode canaryNode = route.get("canary");
        assertEquals("default/ingress-2", canaryNode.get("ingress").asText());
        assertEquals("default/canary:80", canaryNode.get("backend").asText());
        assertEquals("READY", canaryNode.get("status").asText());
        assertEquals("[\"cookie beta=always sends to the canary, never keeps off it\","
                + "\"10 of 100 other requests go to the canary\"]", canaryNode.get("split").toString());
        assertEquals(1, routes.get("hosts").get(0).get("paths").size());
        assertEquals(0, routes.get("problems").size(), routes.get("problems").toString());
    }

    private static String loggedLine(String text, StringBuffer log) {
        Await.until(() -> log.indexOf(text) >= 0, "the request is logged");
        return log.toString().lines().filter(l -> l.contains(text)).findFirst().orElseThrow();
    }
}
