package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.jingress.core.route.RouteTable;
import io.jingress.core.route.Router;
import io.jingress.jetty.testing.Await;
import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.RawHttp;
import io.jingress.jetty.testing.TestRoutes;
import io.jingress.jetty.testing.WireClient;

import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The admin listener and the access log of a running {@link IngressServer}, moved by real traffic. */
class AdminEndToEndTest {
    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    private ContentResponse admin(IngressServer proxy, String path) throws Exception {
        return proxies.client().newRequest("127.0.0.1", proxy.adminPort()).path(path).send();
    }

    private ContentResponse get(IngressServer proxy, String host) throws Exception {
        return proxies.client().newRequest("127.0.0.1", proxy.httpPort()).path("/x").headers(h -> h.put("Host", host)).send();
    }

    /** The lines of the access log of {@link #loggingProxyTo}. */
    private final StringBuffer log = new StringBuffer();

    /** A proxy that sends host app.test to {@code app} and writes its access log to {@link #log}. */
    private IngressServer loggingProxyTo(Backends.Echo app) {
        TestRoutes routes = TestRoutes.create().route("app.test", "/", "app", app.port());
        return proxies.start(IngressServer.builder(routes.router()).accessLog(log));
    }

    /** The first line of {@link #log} that contains {@code text}, once one is written. */
    private String loggedLine(String text) {
        Await.until(() -> log.indexOf(text) >= 0, "the request is logged");
        return log.toString().lines().filter(l -> l.contains(text)).findFirst().orElseThrow();
    }

    private static long sample(String metrics, String line) {
        Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(line) + " ([0-9.eE+]+)$").matcher(metrics);
        return matcher.find() ? (long) Double.parseDouble(matcher.group(1)) : 0;
    }

    @Test
    void healthzIsUnavailableUntilATableIsServed() throws Exception {
        Router router = Router.create();
        IngressServer proxy = proxies.start(IngressServer.builder(router));
        assertEquals(503, admin(proxy, "/healthz").getStatus());

        router.swap(RouteTable.empty());

        assertEquals(200, admin(proxy, "/healthz").getStatus());
    }

    @Test
    void theApplicationsOwnMetricsAreReadAtEachScrape() throws Exception {
        AtomicLong builds = new AtomicLong(3);
        double[] leader = {Double.NaN};
        Router router = Router.create();
        router.swap(RouteTable.empty());
        IngressServer proxy = proxies.start(IngressServer.builder(router)
                .adminGauge("jingress_kubernetes_leader", "1 while this replica leads.", () -> leader[0])
                .adminCounter("jingress_kubernetes_builds_total", "States built.", builds::get));

        String first = admin(proxy, "/metrics").getContentAsString();
        assertTrue(first.contains("# HELP jingress_kubernetes_leader 1 while this replica leads.\n"
                + "# TYPE jingress_kubernetes_leader gauge\n# HELP"), "NaN: the family without a sample\n" + first);
        assertTrue(first.contains("# TYPE jingress_kubernetes_builds_total counter\njingress_kubernetes_builds_total 3\n"), first);

        leader[0] = 1;
        builds.incrementAndGet();
        String second = admin(proxy, "/metrics").getContentAsString();
        assertEquals(1, sample(second, "jingress_kubernetes_leader"));
        assertEquals(4, sample(second, "jingress_kubernetes_builds_total"));
    }

    @Test
    void anApplicationMetricMayNotTakeTheProxysNamesNorBeAddedTwice() {
        IngressServer.Builder builder = IngressServer.builder(Router.create());
        IllegalArgumentException own = assertThrows(IllegalArgumentException.class,
                () -> builder.adminGauge("jingress_requests_total", "x", () -> 1));
        assertTrue(own.getMessage().contains("jingress_requests_total"), own.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> builder.adminGauge("my-app", "x", () -> 1));
        builder.adminGauge("myapp_up", "x", () -> 1);
        assertThrows(IllegalArgumentException.class,
                () -> builder.adminCounter("myapp_up", "x", () -> 1));
    }

    @Test
    void requestCountersMoveWithTraffic() throws Exception {
        Backends.Echo app = backends.start("app");
        TestRoutes routes = TestRoutes.create().route("app.test", "/", "app", app.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));
        String ok = "jingress_requests_total{ingress=\"default/ingress-1\",service=\"default/app:80\",method=\"GET\",status=\"2xx\"}";
        String notFound = "jingress_requests_total{ingress=\"\",service=\"\",method=\"GET\",status=\"4xx\"}";
        String before = admin(proxy, "/metrics").getContentAsString();

        for (int i = 0; i < 3; i++) {
            assertEquals(200, get(proxy, "app.test").getStatus());
        }
        assertEquals(404, get(proxy, "nowhere.test").getStatus());

        Await.until(() -> {
            try {
                String after = admin(proxy, "/metrics").getContentAsString();
                return sample(after, ok) - sample(before, ok) == 3 && sample(after, notFound) - sample(before, notFound) == 1;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "the counters count 3 proxied and 1 unrouted request");
        String status = admin(proxy, "/status").getContentAsString();
        assertTrue(status.startsWith("Active connections: "), status);
        Matcher requests = Pattern.compile("\\n (\\d+) (\\d+) (\\d+) \\n").matcher(status);
        assertTrue(requests.find(), status);
        assertTrue(Long.parseLong(requests.group(3)) >= 4, status);
    }

    private void awaitReading(IngressServer proxy, int reading) {
        Await.until(() -> {
            try {
                return admin(proxy, "/status").getContentAsString().contains("\nReading: " + reading + " ");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "/status reads Reading: " + reading);
    }

    @Test
    void statusCountsAConnectionWithPartOfARequestHeadAsReadingOnEitherHttp1Path() throws Exception {
        Backends.Echo app = backends.start("app");
        TestRoutes routes = TestRoutes.create().route("app.test", "/", "app", app.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));
        try (WireClient idle = WireClient.connect(proxy.httpPort());
                WireClient get = WireClient.connect(proxy.httpPort());
                WireClient post = WireClient.connect(proxy.httpPort())) {
            assertEquals(200, idle.exchange(WireClient.get("app.test", "/x")).status());
            awaitReading(proxy, 0);

            get.send("GET /x HTTP/1.1\r\nHost: app.te");  // a GET is read by the lean connection
            awaitReading(proxy, 1);
            post.send("POST /x HTTP/1.1\r\nHost: app.test\r\nContent-Le");  // a POST by Jetty's
            awaitReading(proxy, 2);
            assertTrue(admin(proxy, "/status").getContentAsString().contains("Active connections: 3 \n"));

            get.send("st\r\n\r\n");
            assertEquals(200, get.read().status());
            post.send("ngth: 2\r\n\r\nhi");
            assertEquals(200, post.read().status());
            awaitReading(proxy, 0);
        }
    }

    @Test
    void accessLogHasALinePerRequestWithTheUpstream() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = loggingProxyTo(app);

        int bodyLength = proxies.client().newRequest("127.0.0.1", proxy.httpPort()).path("/download/1234?y=1")
                .headers(h -> h.put("Host", "app.test").put("X-Request-ID", "req-77")).send().getContent().length;

        String line = loggedLine("req-77");
        assertEquals(1234, bodyLength);
        assertTrue(line.contains("\"GET /download/1234?y=1 HTTP/1.1\" 200 1234 \""), line);
        assertTrue(line.contains("[default/app:80] [] 127.0.0.1:" + app.port() + " "), line);
        assertTrue(line.endsWith(" 200 req-77"), line);
    }

    @Test
    void theClientAddressIsLoggedThoughTheConnectionClosedWithTheAnswer() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = loggingProxyTo(app);

        for (int i = 0; i < 30; i++) {
            String host = i % 2 == 0 ? "app.test" : "unknown.test";
            // every third a chunked upload, which Jetty's own connection reads
            RawHttp.exchange(proxy.httpPort(), i % 3 == 0
                    ? "POST /closed-" + i + " HTTP/1.1\r\nHost: " + host
                            + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n1\r\nx\r\n0\r\n\r\n"
                    : "GET /closed-" + i + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
        }

        for (int i = 0; i < 30; i++) {
            String line = loggedLine("/closed-" + i + " ");
            assertTrue(line.startsWith("127.0.0.1 - - ["), line);
        }
    }

    @Test
    void theRequestLengthLoggedCountsABodyReadWithItsHead() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = loggingProxyTo(app);
        String raw = "POST /p HTTP/1.1\r\nHost: app.test\r\nX-Request-ID: req-88\r\nContent-Length: 5\r\n\r\nhello";

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            assertEquals(200, client.exchange(raw).status());
        }

        String line = loggedLine("req-88");
        // nginx's $request_length: request line, headers and body
        assertTrue(line.contains("\"POST /p HTTP/1.1\" 200 5 \"-\" \"-\" " + raw.length() + " "), line);
    }

    @Test
    void anAnswerJettyMakesItselfIsLoggedWithItsBodyLengthAndTheHeadAsSent() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = loggingProxyTo(app);
        String twoHosts = "GET /dup HTTP/1.1\r\nHost: app.test\r\nHost: other.test\r\nUser-Agent: dup/1.0\r\n\r\n";

        String answer = RawHttp.exchange(proxy.httpPort(), twoHosts);
        String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);

        assertEquals("400 Bad Request: Duplicate Host Header\n", body);
        String line = loggedLine("\" 400 ");
        assertTrue(line.contains("\" 400 " + body.length() + " \""), line);
        // Jetty gives the refused request no header fields: the length is the head that came,
        // and the User-Agent is read from it
        assertTrue(line.contains("] \"GET /dup HTTP/1.1\" 400 "), line);
        assertTrue(line.contains(" \"-\" \"dup/1.0\" " + twoHosts.length() + " "), line);
        assertEquals(0, app.requests());
    }

    @Test
    void aTargetJettyRefusesIsLoggedAsTheClientSentIt() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = loggingProxyTo(app);
        // Jetty refuses it before it has a request line to give the request, nor its header
        // fields: it would log "BAD /badMessage HTTP/1.0", a length of 28 and no User-Agent
        String badTarget = "GET /%zz?q=\"1\" HTTP/1.1\r\nHost: app.test\r\nUser-Agent: probe\r\n"
                + "Referer: http://app.test/from\r\n\r\n";

        assertEquals(400, RawHttp.status(RawHttp.exchange(proxy.httpPort(), badTarget)));
        String line = loggedLine("\" 400 ");
        assertTrue(line.contains("] \"GET /%zz?q=\\x221\\x22 HTTP/1.1\" 400 "), line);
        assertTrue(line.contains(" \"http://app.test/from\" \"probe\" " + badTarget.length() + " "), line);
        assertEquals(0, app.requests());
    }

    @Test
    void aPathJettyRefusesIsLoggedWithTheUserAgentSent() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = loggingProxyTo(app);
        String aboveRoot = "GET /a/../../etc/passwd HTTP/1.1\r\nHost: app.test\r\nUser-Agent: scanner/2.0\r\n\r\n";

        assertEquals(400, RawHttp.status(RawHttp.exchange(proxy.httpPort(), aboveRoot)));
        String line = loggedLine("\" 400 ");
        assertTrue(line.contains("] \"GET /a/../../etc/passwd HTTP/1.1\" 400 "), line);
        assertTrue(line.contains(" \"-\" \"scanner/2.0\" " + aboveRoot.length() + " "), line);
        assertEquals(0, app.requests());
    }

    @Test
    void anAbsoluteFormTargetIsLoggedAsSentAndTheNextRequestAsParsed() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = loggingProxyTo(app);
        // the lean connection hands the connection to Jetty's at an absolute-form target
        String absolute = "GET http://app.test/abs?q=1 HTTP/1.1\r\nHost: app.test\r\nX-Request-ID: req-abs\r\n\r\n";
        String next = "GET /next HTTP/1.1\r\nHost: app.test\r\nX-Request-ID: req-next\r\n\r\n";

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            assertEquals(200, client.exchange(absolute).status());
            assertEquals(200, client.exchange(next).status());
        }

        String first = loggedLine("req-abs");
        String second = loggedLine("req-next");
        assertTrue(first.contains("] \"GET http://app.test/abs?q=1 HTTP/1.1\" 200 "), first);
        assertTrue(first.contains(" \"-\" \"-\" " + absolute.length() + " "), first);
        assertTrue(second.contains("] \"GET /next HTTP/1.1\" 200 "), second);
        assertTrue(second.contains(" \"-\" \"-\" " + next.length() + " "), second);
        assertEquals(2, app.requests());
    }

    @Test
    void everyAbsoluteFormTargetOnAKeepAliveConnectionIsLoggedAsSent() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = loggingProxyTo(app);
        // the lean connection serves the first, hands the connection over at the second; Jetty's
        // connection serves the rest, and keeps only the path of an absolute-form target
        String lean = "GET /lean HTTP/1.1\r\nHost: app.test\r\nX-Request-ID: req-lean\r\n\r\n";
        String handed = "GET http://app.test/handed HTTP/1.1\r\nHost: app.test\r\nX-Request-ID: req-handed\r\n\r\n";
        String later = "GET http://app.test/later?q=1 HTTP/1.1\r\nHost: app.test\r\nX-Request-ID: req-later\r\n\r\n";
        String origin = "GET /origin HTTP/1.1\r\nHost: app.test\r\nX-Request-ID: req-origin\r\n\r\n";
        String[] ids = {"req-lean", "req-handed", "req-later", "req-origin"};
        String[] requests = {lean, handed, later, origin};
        String[] lines = new String[requests.length];

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            for (int i = 0; i < requests.length; i++) {
                assertEquals(200, client.exchange(requests[i]).status());
                // each exchange logged, so over, before the next is sent: a request that comes
                // while Jetty's connection completes a logged exchange may find the connection
                // closed (seen 3 to 7 times in 20; a known flaw, not what this test is about)
                lines[i] = loggedLine(ids[i]);
            }
        }

        assertTrue(lines[0].contains("] \"GET /lean HTTP/1.1\" 200 "), lines[0]);
        assertTrue(lines[1].contains("] \"GET http://app.test/handed HTTP/1.1\" 200 "), lines[1]);
        assertTrue(lines[2].contains("] \"GET http://app.test/later?q=1 HTTP/1.1\" 200 "), lines[2]);
        assertTrue(lines[2].contains(" \"-\" \"-\" " + later.length() + " "), lines[2]);
        assertTrue(lines[3].contains("] \"GET /origin HTTP/1.1\" 200 "), lines[3]);
        assertTrue(lines[3].contains(" \"-\" \"-\" " + origin.length() + " "), lines[3]);
        assertEquals(4, app.requests());
    }
}
