package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.jingress.jetty.testing.Await;
import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.TestRoutes;

import org.eclipse.jetty.client.HttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code limit-rate} and {@code limit-rate-after} end to end, over the lean HTTP/1 path and over
 * HTTP/2 (Jetty's): the answer arrives whole, and no sooner than the rate allows. Only that lower
 * bound is asserted, which a slow machine cannot break; the pacing's exact schedule is
 * {@code AnswerPacerTest}'s, on a clock of its own.
 */
class AnswerRateTest {
    private static final String NGINX = "nginx.ingress.kubernetes.io/";
    // 32 KiB at full speed, plus the first second's worth (32 KiB), then 48 KiB at 32 KiB/s: 1.5 s at least
    private static final long LENGTH = 112 * 1024;
    private static final long AT_LEAST_MILLIS = 1_000;
    private static final Map<String, String> PACED = Map.of(NGINX + "limit-rate", "32", NGINX + "limit-rate-after", "32");

    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    private Backends.Echo app;

    private IngressServer proxy() {
        app = backends.start("app");
        return proxies.start(IngressServer.builder(TestRoutes.create()
                .route("paced.test", "/", "app", PACED, app.port())
                .route("free.test", "/", "app", app.port()).router())
                .httpsBindAddress("127.0.0.1").httpsPort(0));
    }

    /** The SHA-256 of the answer to {@code url}, and how long it took in ms; or why it failed. */
    private static String download(HttpClient client, String url, String host, long[] millis) throws Exception {
        CompletableFuture<String> digest = new CompletableFuture<>();
        MessageDigest sha = Backends.sha256();
        long[] received = {0};
        long start = System.nanoTime();
        client.newRequest(url).headers(h -> h.put("Host", host)).timeout(60, TimeUnit.SECONDS)
                .onResponseContent((response, bytes) -> {
                    received[0] += bytes.remaining();
                    sha.update(bytes);
                })
                .send(result -> {
                    millis[0] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                    digest.complete(result.isSucceeded() && received[0] == LENGTH
                            ? HexFormat.of().formatHex(sha.digest()) : "failed: " + received[0] + " bytes, " + result);
                });
        return digest.get(60, TimeUnit.SECONDS);
    }

    @Test
    void anHttp1AnswerArrivesWholeAndNoFasterThanTheRate() throws Exception {
        IngressServer proxy = proxy();
        long[] millis = {0};

        String sha = download(proxies.client(), "http://127.0.0.1:" + proxy.httpPort() + "/download/" + LENGTH,
                "paced.test", millis);

        assertEquals(Backends.patternSha256(LENGTH), sha);
        assertTrue(millis[0] >= AT_LEAST_MILLIS, "112 KiB at 32 KiB/s after 32 KiB took " + millis[0] + " ms");
        // the same answer on a route without the annotation is not paced, and intact too
        assertEquals(Backends.patternSha256(LENGTH), download(proxies.client(),
                "http://127.0.0.1:" + proxy.httpPort() + "/download/" + LENGTH, "free.test", millis));
    }

    @Test
    void anHttp2AnswerArrivesWholeAndNoFasterThanTheRate() throws Exception {
        IngressServer proxy = proxy();
        long[] millis = {0};

        String sha = download(proxies.http2Client(), "https://paced.test:" + proxy.httpsPort() + "/download/" + LENGTH,
                "paced.test", millis);

        assertEquals(Backends.patternSha256(LENGTH), sha);
        assertTrue(millis[0] >= AT_LEAST_MILLIS, "112 KiB at 32 KiB/s after 32 KiB took " + millis[0] + " ms");
    }

    @Test
    void aClientThatGoesAwayMidAnswerEndsItsExchangeAndTheRouteServesOn() throws Exception {
        IngressServer proxy = proxy();
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.httpPort())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /download/" + (64L * 1024 * 1024) + " HTTP/1.1\r\nHost: paced.test\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            long read = 0;
            while (read < 48 * 1024) {
                int n = in.read(buffer);
                assertTrue(n > 0, "the answer's first bytes arrive");
                read += n;
            }
            assertEquals(1, app.openConnections(), "the endpoint's answer is under way");
        }
        // a 64 MiB answer at 32 KiB/s would take half an hour: the next paced write fails, and the
        // endpoint's connection is closed rather than read on
        Await.until(() -> app.openConnections() == 0, "the endpoint's connection is closed");

        long[] millis = {0};
        assertEquals(Backends.patternSha256(LENGTH), download(proxies.client(),
                "http://127.0.0.1:" + proxy.httpPort() + "/download/" + LENGTH, "paced.test", millis));
    }
}
