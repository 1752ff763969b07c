package io.jingress.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jingress.examples.testing.Http;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class MainTest {

    private final ByteArrayOutputStream console = new ByteArrayOutputStream();

    private Jingress start(String... args) throws StartException {
        return Main.start(new PrintStream(console, true, StandardCharsets.UTF_8), args);
    }

    @Test
    void theDemoRotatesMyappAcrossTheThreePodsItPrinted() throws Exception {
        try (Jingress demo = start("--http-port", "0", "--admin-port", "off")) {
            String banner = console.toString(StandardCharsets.UTF_8);
            List<String> printedPods = new ArrayList<>();
            Matcher pod = Pattern.compile("(kubia-[a-z0-9]{5})  127\\.0\\.0\\.\\d:\\d+").matcher(banner);
            while (pod.find()) {
                printedPods.add(pod.group(1));
            }
            assertEquals(3, printedPods.size(), banner);
            assertTrue(banner.contains("curl -H 'Host: myapp.kubia.com' localhost:" + demo.httpPort()), banner);

            List<String> answers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Http.Response response = Http.get(demo.httpPort(), "myapp.kubia.com", "/");
                assertEquals(200, response.status());
                answers.add(response.body());
            }
            assertEquals(3, new HashSet<>(answers.subList(0, 3)).size(), answers::toString);
            assertEquals(answers.get(0), answers.get(3), "round robin comes back to the first pod");
            for (String answer : answers) {
                assertTrue(printedPods.stream().anyMatch(name -> answer.equals("You've hit " + name + "\n")), answer);
            }
        }
    }

    @Test
    void theDemoAnswers404ForAHostWithoutRule() throws Exception {
        try (Jingress demo = start("--http-port", "0", "--admin-port", "off")) {
            assertEquals(404, Http.get(demo.httpPort(), "localhost", "/").status());
            assertEquals(404, Http.get(demo.httpPort(), "other.kubia.com", "/").status());
        }
    }

    @Test
    void theDemosAdminEndpointsAnswerOnLoopback() throws Exception {
        try (Jingress demo = start("--http-port", "0", "--admin-port", "0")) {
            assertTrue(console.toString(StandardCharsets.UTF_8)
                    .contains("curl localhost:" + demo.adminPort() + "/healthz"));
            assertEquals(new Http.Response(200, "ok"), Http.get(demo.adminPort(), "localhost", "/healthz"));
            assertEquals(200, Http.get(demo.httpPort(), "myapp.kubia.com", "/").status());

            // The proxy counts a request when its exchange ends, which may be just after the client has it.
            Http.Response metrics;
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
            while (true) {
                metrics = Http.get(demo.adminPort(), "localhost", "/metrics");
                assertEquals(200, metrics.status());
                if (metrics.body().contains("ingress=\"default/ingress-myapp\"") || System.nanoTime() > deadline) {
                    break;
                }
                java.util.concurrent.TimeUnit.MILLISECONDS.sleep(20);
            }
            assertTrue(metrics.body().lines().anyMatch(l -> l.startsWith("jingress_requests_total{")
                    && l.contains("default/ingress-myapp")), metrics.body());
            assertTrue(metrics.body().contains("jingress_route_table_loaded 1"), metrics.body());

            Http.Response routes = Http.get(demo.adminPort(), "localhost", "/routes");
            assertEquals(200, routes.status());
            assertTrue(routes.body().contains("myapp.kubia.com"), routes.body());
            assertEquals(200, Http.get(demo.adminPort(), "localhost", "/status").status());
        }
    }

    @Test
    void aPortInUseIsNamedWithItsFlag() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("0.0.0.0"))) {
            int port = taken.getLocalPort();
            StartException e = assertThrows(StartException.class,
                    () -> start("--http-port", Integer.toString(port), "--admin-port", "off"));
            assertEquals("--http-port " + port + ": address already in use", e.getMessage());
            assertEquals(1, e.exitCode());
        }
    }

    @Test
    void inClusterOutsideAPodSaysSo() {
        assumeTrue(System.getenv("KUBERNETES_SERVICE_HOST") == null, "this test runs outside a Pod");
        StartException e = assertThrows(StartException.class,
                () -> start("--in-cluster", "--http-port", "0", "--https-port", "off", "--admin-port", "off"));
        assertTrue(e.getMessage().startsWith("--in-cluster: not running in a Pod"), e.getMessage());
        assertEquals(1, e.exitCode());
    }

    @Test
    void aBadCommandLineIsExitCode2() {
        StartException e = assertThrows(StartException.class, () -> start("--http-port", "abc"));
        assertEquals("--http-port: \"abc\" is not a port number (1-65535, or 0 for any free port)", e.getMessage());
        assertEquals(2, e.exitCode());
    }

    @Test
    void closeStopsListeningAndCanBeCalledTwice() throws Exception {
        Jingress demo = start("--http-port", "0", "--admin-port", "off");
        int port = demo.httpPort();
        demo.close();
        demo.close();
        assertThrows(java.io.IOException.class, () -> Http.get(port, "myapp.kubia.com", "/"));
    }
}
