package io.jingress.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import io.jingress.examples.testing.Http;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShutdownTest {

    @TempDir
    Path dir;

    @Test
    void closeLetsARequestInFlightFinishWhileRefusingNewConnections() throws Exception {
        CountDownLatch received = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        HttpServer backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        backend.createContext("/", exchange -> {
            received.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = "finished\n".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        backend.start();
        try {
            Files.writeString(dir.resolve("slow.yaml"), """
                    apiVersion: v1
                    kind: Service
                    metadata: {name: slow, namespace: default}
                    spec: {ports: [{port: 80}]}
                    ---
                    apiVersion: discovery.k8s.io/v1
                    kind: EndpointSlice
                    metadata: {name: slow-1, namespace: default, labels: {kubernetes.io/service-name: slow}}
                    addressType: IPv4
                    ports: [{port: PORT}]
                    endpoints: [{addresses: ["127.0.0.1"]}]
                    ---
                    apiVersion: networking.k8s.io/v1
                    kind: Ingress
                    metadata: {name: slow, namespace: default}
                    spec:
                      ingressClassName: jingress
                      rules:
                        - host: slow.example.com
                          http:
                            paths: [{path: /, pathType: Prefix, backend: {service: {name: slow, port: {number: 80}}}}]
                    """.replace("PORT", Integer.toString(backend.getAddress().getPort())));
            Jingress jingress = Main.start(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                    "--manifests", dir.toString(), "--http-port", "0", "--https-port", "off", "--admin-port", "off");
            int port = jingress.httpPort();

            CompletableFuture<Http.Response> inFlight = CompletableFuture.supplyAsync(() -> {
                try {
                    return Http.get(port, "slow.example.com", "/");
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            received.await(30, TimeUnit.SECONDS);
            CompletableFuture<Void> closing = CompletableFuture.runAsync(jingress::close);

            awaitRefused(port);
            release.countDown();
            assertEquals(new Http.Response(200, "finished\n"), inFlight.get(30, TimeUnit.SECONDS));
            closing.get(30, TimeUnit.SECONDS);
        } finally {
            release.countDown();
            backend.stop(0);
        }
    }

    /** Probes with a host without rule, answered at once (404) while connections are accepted. */
    private static void awaitRefused(int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            try {
                Http.get(port, "probe.example.com", "/");
            } catch (IOException refused) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        throw new AssertionError("new connections were still accepted while stopping");
    }
}
