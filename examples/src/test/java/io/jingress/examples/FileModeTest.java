package io.jingress.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.examples.internal.demo.KubiaPod;
import io.jingress.examples.internal.demo.KubiaPods;
import io.jingress.examples.testing.Http;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileModeTest {

    @TempDir
    Path dir;

    private KubiaPods pods;

    @BeforeEach
    void startPods() throws IOException {
        pods = KubiaPods.start(KubiaPods.POD_ADDRESSES, 0, new Random(7));
    }

    @AfterEach
    void stopPods() {
        pods.close();
    }

    /** The walkthrough's Service, its EndpointSlice for the running pods, and an Ingress for {@code host}. */
    private String manifest(String host) {
        StringBuilder slices = new StringBuilder();
        for (KubiaPod pod : pods.pods()) {
            slices.append("---\n")
                    .append("apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n")
                    .append("metadata:\n  name: ").append(pod.name()).append("\n  namespace: default\n")
                    .append("  labels: {kubernetes.io/service-name: kubia}\n")
                    .append("addressType: IPv4\nports: [{port: ").append(pod.port()).append("}]\n")
                    .append("endpoints:\n  - addresses: [\"").append(pod.address()).append("\"]\n")
                    .append("    targetRef: {kind: Pod, name: ").append(pod.name()).append("}\n");
        }
        return """
                apiVersion: v1
                kind: Service
                metadata: {name: kubia, namespace: default}
                spec:
                  ports: [{port: 80, targetPort: 8080}]
                """ + slices + """
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: ingress-myapp, namespace: default}
                spec:
                  ingressClassName: jingress
                  rules:
                    - host: HOST
                      http:
                        paths:
                          - path: /
                            pathType: Prefix
                            backend: {service: {name: kubia, port: {number: 80}}}
                """.replace("HOST", host);
    }

    private Jingress start(String... args) throws StartException {
        return Main.start(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), args);
    }

    private static void awaitStatus(int port, String host, int status) throws Exception {
        await(host + " answers " + status, () -> Http.get(port, host, "/").status() == status);
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private static void await(String what, Check check) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!check.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    @Test
    void manifestsAreServedWithRotationAcrossThePods() throws Exception {
        Files.writeString(dir.resolve("kubia.yaml"), manifest("myapp.kubia.com"));
        try (Jingress jingress = start("--manifests", dir.toString(), "--http-port", "0", "--https-port", "off",
                "--admin-port", "0")) {
            assertEquals(new Http.Response(200, "ok"), Http.get(jingress.adminPort(), "localhost", "/healthz"));
            Set<String> answers = new HashSet<>();
            for (int i = 0; i < 3; i++) {
                Http.Response response = Http.get(jingress.httpPort(), "myapp.kubia.com", "/");
                assertEquals(200, response.status());
                answers.add(response.body());
            }
            Set<String> expected = new HashSet<>();
            pods.pods().forEach(pod -> expected.add("You've hit " + pod.name() + "\n"));
            assertEquals(expected, answers);
            assertEquals(404, Http.get(jingress.httpPort(), "unknown.kubia.com", "/").status());
        }
    }

    @Test
    void aManifestChangeIsPickedUpLive() throws Exception {
        Path file = dir.resolve("kubia.yaml");
        Files.writeString(file, manifest("myapp.kubia.com"));
        try (Jingress jingress = start("--manifests", dir.toString(), "--http-port", "0", "--https-port", "off",
                "--admin-port", "off")) {
            assertEquals(200, Http.get(jingress.httpPort(), "myapp.kubia.com", "/").status());

            // As an editor saves: write aside, then rename over the file.
            Path edited = dir.resolve(".kubia.yaml.swp");
            Files.writeString(edited, manifest("shop.kubia.com"));
            Files.move(edited, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            awaitStatus(jingress.httpPort(), "shop.kubia.com", 200);
            assertEquals(404, Http.get(jingress.httpPort(), "myapp.kubia.com", "/").status());

            Files.delete(file);
            awaitStatus(jingress.httpPort(), "shop.kubia.com", 404);
        }
    }

    @Test
    void httpsServesTheSameRoutesWithTheDefaultCertificate() throws Exception {
        Files.writeString(dir.resolve("kubia.yaml"), manifest("myapp.kubia.com"));
        try (Jingress jingress = start("--manifests", dir.toString(), "--http-port", "0", "--https-port", "0",
                "--admin-port", "off")) {
            Http.Response response = Http.getTls(jingress.httpsPort(), "myapp.kubia.com", "/");
            assertEquals(200, response.status());
            assertTrue(response.body().startsWith("You've hit kubia-"), response.body());
            assertEquals(404, Http.getTls(jingress.httpsPort(), "unknown.kubia.com", "/").status());
        }
    }

    @Test
    void watchNamespaceLeavesTheOtherNamespacesOut() throws Exception {
        Files.writeString(dir.resolve("kubia.yaml"), manifest("myapp.kubia.com"));
        try (Jingress jingress = start("--manifests", dir.toString(), "--watch-namespace", "shop",
                "--http-port", "0", "--https-port", "off", "--admin-port", "off")) {
            assertEquals(404, Http.get(jingress.httpPort(), "myapp.kubia.com", "/").status());
        }
        try (Jingress jingress = start("--manifests", dir.toString(), "--watch-namespace", "shop,default",
                "--http-port", "0", "--https-port", "off", "--admin-port", "off")) {
            assertEquals(200, Http.get(jingress.httpPort(), "myapp.kubia.com", "/").status());
        }
    }

    @Test
    void anIngressOfAnotherClassIsNotServed() throws Exception {
        Files.writeString(dir.resolve("kubia.yaml"), manifest("myapp.kubia.com"));
        try (Jingress jingress = start("--manifests", dir.toString(), "--ingress-class", "edge",
                "--http-port", "0", "--https-port", "off", "--admin-port", "off")) {
            assertEquals(404, Http.get(jingress.httpPort(), "myapp.kubia.com", "/").status());
        }
    }

    @Test
    void plainHttpToATlsHostIsRedirectedToTheHttpsPortClientsReach() throws Exception {
        // the Secret is missing: the host still redirects, served with the default certificate
        Files.writeString(dir.resolve("kubia.yaml"), manifest("myapp.kubia.com").replace("  rules:\n",
                "  tls: [{hosts: [myapp.kubia.com], secretName: kubia-tls}]\n  rules:\n"));
        try (Jingress jingress = start("--manifests", dir.toString(), "--http-port", "0", "--https-port", "0",
                "--admin-port", "off")) {
            Http.Full redirect = Http.getFull(jingress.httpPort(), "myapp.kubia.com", "/a?b=1");
            assertEquals(308, redirect.response().status(), redirect.head());
            assertEquals("https://myapp.kubia.com:" + jingress.httpsPort() + "/a?b=1", redirect.header("Location"));
            assertEquals(200, Http.getTls(jingress.httpsPort(), "myapp.kubia.com", "/a").status());
        }
        // behind a NodePort (30443 -> the container's 8443), clients reach HTTPS on another port
        try (Jingress jingress = start("--manifests", dir.toString(), "--http-port", "0", "--https-port", "0",
                "--https-redirect-port", "30443", "--admin-port", "off")) {
            Http.Full redirect = Http.getFull(jingress.httpPort(), "myapp.kubia.com", "/a");
            assertEquals(308, redirect.response().status(), redirect.head());
            assertEquals("https://myapp.kubia.com:30443/a", redirect.header("Location"));
        }
        try (Jingress jingress = start("--manifests", dir.toString(), "--http-port", "0", "--https-port", "0",
                "--https-redirect-port", "443", "--admin-port", "off")) {
            assertEquals("https://myapp.kubia.com/a",
                    Http.getFull(jingress.httpPort(), "myapp.kubia.com", "/a").header("Location"));
        }
        for (String[] noRedirect : new String[][] {
                {"--https-port", "0", "--https-redirect-port", "off"}, {"--https-port", "off"}}) {
            List<String> args = new ArrayList<>(List.of("--manifests", dir.toString(), "--http-port", "0",
                    "--admin-port", "off"));
            args.addAll(List.of(noRedirect));
            try (Jingress jingress = start(args.toArray(String[]::new))) {
                Http.Response response = Http.get(jingress.httpPort(), "myapp.kubia.com", "/a");
                assertEquals(200, response.status(), String.join(" ", noRedirect));
                assertTrue(response.body().startsWith("You've hit kubia-"), response.body());
            }
        }
    }

    /** A GET over plain HTTP from this host (127.0.0.1) with {@code headers}: the answer's head. */
    private static String rawGet(int port, String host, String headers) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + host + "\r\n" + headers
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            return answer.substring(0, Math.max(0, answer.indexOf("\r\n\r\n")));
        }
    }

    @Test
    void trustedProxiesStopTheForceSslRedirectLoopOnlyForTheLoadBalancersNamed() throws Exception {
        Files.writeString(dir.resolve("kubia.yaml"), manifest("myapp.kubia.com").replace(
                "metadata: {name: ingress-myapp, namespace: default}",
                "metadata: {name: ingress-myapp, namespace: default, annotations:"
                        + " {nginx.ingress.kubernetes.io/force-ssl-redirect: \"true\"}}"));
        String forwardedHttps = "X-Forwarded-Proto: https\r\n";
        try (Jingress jingress = start("--manifests", dir.toString(), "--http-port", "0", "--https-port", "off",
                "--https-redirect-port", "443", "--trusted-proxies", "127.0.0.1/32,::1", "--admin-port", "off")) {
            awaitStatus(jingress.httpPort(), "myapp.kubia.com", 308);
            String head = rawGet(jingress.httpPort(), "myapp.kubia.com", forwardedHttps);
            assertTrue(head.startsWith("HTTP/1.1 200 "), head);
            assertTrue(head.contains("Strict-Transport-Security: max-age=31536000; includeSubDomains"), head);
        }
        try (Jingress jingress = start("--manifests", dir.toString(), "--http-port", "0", "--https-port", "off",
                "--https-redirect-port", "443", "--trusted-proxies=10.0.0.0/8", "--admin-port", "off")) {
            awaitStatus(jingress.httpPort(), "myapp.kubia.com", 308);
            String head = rawGet(jingress.httpPort(), "myapp.kubia.com", forwardedHttps);
            assertTrue(head.startsWith("HTTP/1.1 308 "), head);
        }
    }

    @Test
    void customHeadersSetOnlyTheHeadersTheFlagAllows() throws Exception {
        Files.writeString(dir.resolve("kubia.yaml"), manifest("myapp.kubia.com").replace(
                "metadata: {name: ingress-myapp, namespace: default}",
                "metadata: {name: ingress-myapp, namespace: default, annotations:"
                        + " {nginx.ingress.kubernetes.io/custom-headers: headers}}")
                + "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: headers, namespace: default}\n"
                + "data: {X-Frame-Options: DENY, X-Team: kubia}\n");
        try (Jingress jingress = start("--manifests", dir.toString(), "--http-port", "0", "--https-port", "off",
                "--allowed-response-headers", "x-frame-options", "--admin-port", "off")) {
            awaitStatus(jingress.httpPort(), "myapp.kubia.com", 200);
            String head = rawGet(jingress.httpPort(), "myapp.kubia.com", "");
            assertTrue(head.contains("X-Frame-Options: DENY\r\n"), head);
            assertFalse(head.contains("X-Team"), "not allowed: " + head);
        }
    }

    @Test
    void tcpServicesConfigMapCreatedLaterExposesTheServiceOnItsPort() throws Exception {
        Files.writeString(dir.resolve("kubia.yaml"), manifest("myapp.kubia.com"));
        int tcpPort;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            tcpPort = free.getLocalPort();
        }
        try (Jingress jingress = start("--manifests", dir.toString(), "--http-port", "0", "--https-port", "off",
                "--admin-port", "off", "--tcp-services-configmap", "jingress/tcp-services")) {
            assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", tcpPort).close(), "no ConfigMap yet");

            Files.writeString(dir.resolve("tcp.yaml"), "apiVersion: v1\nkind: ConfigMap\n"
                    + "metadata: {name: tcp-services, namespace: jingress}\n"
                    + "data: {\"" + tcpPort + "\": default/kubia:80}\n");
            await("port " + tcpPort + " relays to a kubia pod", () -> {
                try {
                    return rawGet(tcpPort, "anything", "").startsWith("HTTP/1.1 200 ");
                } catch (ConnectException notYet) {
                    return false;
                }
            });
        }
    }

    @Test
    void theControllerConfigMapsAllowlistRefusesEveryIngresssClientsUntilItIsEdited() throws Exception {
        Files.writeString(dir.resolve("kubia.yaml"), manifest("myapp.kubia.com"));
        Files.writeString(dir.resolve("controller.yaml"), "apiVersion: v1\nkind: ConfigMap\n"
                + "metadata: {name: jingress-controller, namespace: jingress}\n"
                + "data: {whitelist-source-range: 10.9.9.9/32}\n");
        try (Jingress jingress = start("--manifests", dir.toString(), "--http-port", "0", "--https-port", "off",
                "--admin-port", "off", "--configmap", "jingress/jingress-controller")) {
            awaitStatus(jingress.httpPort(), "myapp.kubia.com", 403);

            Files.writeString(dir.resolve("controller.yaml"), "apiVersion: v1\nkind: ConfigMap\n"
                    + "metadata: {name: jingress-controller, namespace: jingress}\n"
                    + "data: {whitelist-source-range: \"10.9.9.9/32, 127.0.0.1/32\"}\n");
            awaitStatus(jingress.httpPort(), "myapp.kubia.com", 200);
        }
    }

    @Test
    void theDefaultBackendServiceTakesTheRequestsForHostsWithoutRules() throws Exception {
        Files.writeString(dir.resolve("kubia.yaml"), manifest("myapp.kubia.com"));
        try (Jingress jingress = start("--manifests", dir.toString(), "--http-port", "0", "--https-port", "off",
                "--admin-port", "off", "--default-backend-service", "default/kubia")) {
            Http.Response response = Http.get(jingress.httpPort(), "unknown.kubia.com", "/");
            assertEquals(200, response.status());
            assertTrue(response.body().startsWith("You've hit "), response.body());
        }
        try (Jingress jingress = start("--manifests", dir.toString(), "--http-port", "0", "--https-port", "off",
                "--admin-port", "off", "--default-backend-service", "default/nowhere")) {
            assertEquals(404, Http.get(jingress.httpPort(), "unknown.kubia.com", "/").status());
            assertEquals(200, Http.get(jingress.httpPort(), "myapp.kubia.com", "/").status());
        }
    }

    @Test
    void httpsAnswersCarryIngressNginxsHstsUnlessTheFlagSaysOtherwise() throws Exception {
        Files.writeString(dir.resolve("kubia.yaml"), manifest("myapp.kubia.com"));
        try (Jingress jingress = start("--manifests", dir.toString(), "--http-port", "0", "--https-port", "0",
                "--admin-port", "off")) {
            Http.Full https = Http.getTlsFull(jingress.httpsPort(), "myapp.kubia.com", "/");
            assertEquals(200, https.response().status(), https.head());
            assertEquals("max-age=31536000; includeSubDomains", https.header("Strict-Transport-Security"));
            Http.Full plain = Http.getFull(jingress.httpPort(), "myapp.kubia.com", "/");
            assertEquals(200, plain.response().status(), plain.head());
            assertNull(plain.header("Strict-Transport-Security"), "never over plain HTTP");
        }
        try (Jingress jingress = start("--manifests", dir.toString(), "--http-port", "0", "--https-port", "0",
                "--hsts-max-age", "600", "--admin-port", "off")) {
            assertEquals("max-age=600; includeSubDomains",
                    Http.getTlsFull(jingress.httpsPort(), "myapp.kubia.com", "/").header("Strict-Transport-Security"));
        }
        try (Jingress jingress = start("--manifests", dir.toString(), "--http-port", "0", "--https-port", "0",
                "--hsts-max-age", "off", "--admin-port", "off")) {
            Http.Full https = Http.getTlsFull(jingress.httpsPort(), "myapp.kubia.com", "/");
            assertEquals(200, https.response().status(), https.head());
            assertNull(https.header("Strict-Transport-Security"), https.head());
        }
    }

    @Test
    void aFileThatDoesNotParseIsReportedOnTheAdminPortWhileTheOthersServe() throws Exception {
        Files.writeString(dir.resolve("kubia.yaml"), manifest("myapp.kubia.com"));
        Files.writeString(dir.resolve("broken.yaml"), "kind: Ingress\nspec: [\n");
        try (Jingress jingress = start("--manifests", dir.toString(), "--http-port", "0", "--https-port", "off",
                "--admin-port", "0")) {
            assertEquals(200, Http.get(jingress.httpPort(), "myapp.kubia.com", "/").status());
            String routes = Http.get(jingress.adminPort(), "localhost", "/routes").body();
            assertTrue(routes.contains("File " + dir.resolve("broken.yaml") + ":1 (document 1): not valid YAML"), routes);
            String metrics = Http.get(jingress.adminPort(), "localhost", "/metrics").body();
            assertTrue(metrics.contains("jingress_route_table_problems{severity=\"error\"} 1"), metrics);
            assertTrue(metrics.contains("# TYPE jingress_manifests_reloads_total counter\njingress_manifests_reloads_total 1\n"),
                    metrics);

            Files.delete(dir.resolve("broken.yaml"));
            await("the mended directory is no longer reported",
                    () -> !Http.get(jingress.adminPort(), "localhost", "/routes").body().contains("broken.yaml"));
            String mended = Http.get(jingress.adminPort(), "localhost", "/metrics").body();
            assertTrue(mended.contains("jingress_route_table_problems{severity=\"error\"} 0"), mended);
            assertFalse(mended.contains("jingress_manifests_reloads_total 1\n"), "the reload is counted\n" + mended);
        }
    }

    @Test
    void theAdminPortListensOnLoopbackOnlyUnlessAskedOtherwise() throws Exception {
        Files.writeString(dir.resolve("kubia.yaml"), manifest("myapp.kubia.com"));
        // Linux routes all of 127/8 to the loopback interface: 127.0.0.2 is another address of this
        // machine, one a listener on 127.0.0.1 does not take
        try (Jingress jingress = start("--manifests", dir.toString(), "--http-port", "0", "--https-port", "off",
                "--admin-port", "0")) {
            assertEquals(new Http.Response(200, "ok"), Http.get(jingress.adminPort(), "localhost", "/healthz"));
            InetSocketAddress other = new InetSocketAddress("127.0.0.2", jingress.adminPort());
            try (Socket socket = new Socket()) {
                assertThrows(ConnectException.class, () -> socket.connect(other, 5_000));
            }
        }
        try (Jingress jingress = start("--manifests", dir.toString(), "--http-port", "0", "--https-port", "off",
                "--admin-port", "0", "--admin-address", "0.0.0.0")) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.2", jingress.adminPort()), 5_000);
            }
        }
    }

    @Test
    void aMissingManifestPathIsABadCommandLine() {
        StartException e = assertThrows(StartException.class,
                () -> start("--manifests", dir.resolve("nope").toString(), "--http-port", "0"));
        assertEquals(2, e.exitCode());
    }
}
