package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.TestRoutes;

import org.eclipse.jetty.client.AsyncRequestContent;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpMethod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class BodyStreamingTest {
    private static final int MIB = 1024 * 1024;

    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    private IngressServer proxyTo(Backends.Echo backend) {
        TestRoutes routes = TestRoutes.create().route("app.test", "/", "app", backend.port());
        return proxies.start(IngressServer.builder(routes.router()));
    }

    @Test
    void tenMebibyteUploadArrivesIntact() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxyTo(app);
        byte[] body = new byte[10 * MIB];
        new Random(7).nextBytes(body);

        ContentResponse response = proxies.client().newRequest("127.0.0.1", proxy.httpPort())
                .method(HttpMethod.PUT)
                .path("/upload")
                .headers(h -> h.put("Host", "app.test"))
                .body(new BytesRequestContent("application/octet-stream", body))
                .timeout(60, TimeUnit.SECONDS)
                .send();

        assertEquals(200, response.getStatus());
        assertEquals(Integer.toString(body.length), response.getHeaders().get("X-Echo-Body-Length"));
        assertEquals(HexFormat.of().formatHex(Backends.sha256().digest(body)), response.getHeaders().get("X-Echo-Body-Sha256"));
        assertEquals(Integer.toString(body.length), app.lastRequest().header("Content-Length"));
    }

    @Test
    void thirtyTwoMebibyteDownloadArrivesIntact() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxyTo(app);
        long length = 32L * MIB;

        InputStreamResponseListener listener = new InputStreamResponseListener();
        proxies.client().newRequest("127.0.0.1", proxy.httpPort())
                .path("/download/" + length)
                .headers(h -> h.put("Host", "app.test"))
                .send(listener);
        Response response = listener.get(30, TimeUnit.SECONDS);
        MessageDigest digest = Backends.sha256();
        long received = 0;
        try (InputStream in = listener.getInputStream()) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                digest.update(buffer, 0, n);
                received += n;
            }
        }

        assertEquals(200, response.getStatus());
        assertEquals(length, received);
        assertEquals(Backends.patternSha256(length), HexFormat.of().formatHex(digest.digest()));
    }

    @Test
    void chunkedUploadArrivesIntact() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxyTo(app);
        AsyncRequestContent content = new AsyncRequestContent("application/octet-stream");
        MessageDigest sent = Backends.sha256();

        InputStreamResponseListener listener = new InputStreamResponseListener();
        CountDownLatch headSent = new CountDownLatch(1);
        proxies.client().newRequest("127.0.0.1", proxy.httpPort())
                .method(HttpMethod.POST)
                .path("/upload")
                .headers(h -> h.put("Host", "app.test"))
                .body(content)
                .onRequestCommit(request -> headSent.countDown())
                .send(listener);
        // Only once the head is on the wire is the client's length truly unknown; a body complete
        // before that would go out with a Content-Length.
        assertTrue(headSent.await(10, TimeUnit.SECONDS), "request head sent");
        Random random = new Random(11);
        long total = 0;
        for (int i = 0; i < 40; i++) {
            byte[] chunk = new byte[1000 + random.nextInt(60_000)];
            random.nextBytes(chunk);
            sent.update(chunk);
            total += chunk.length;
            content.write(java.nio.ByteBuffer.wrap(chunk), org.eclipse.jetty.util.Callback.NOOP);
        }
        content.close();
        Response response = listener.get(30, TimeUnit.SECONDS);
        listener.getInputStream().close();

        assertEquals(200, response.getStatus());
        assertEquals(Long.toString(total), response.getHeaders().get("X-Echo-Body-Length"));
        assertEquals(HexFormat.of().formatHex(sent.digest()), response.getHeaders().get("X-Echo-Body-Sha256"));
        // The proxy streams what it has: chunked, or with the length when the whole body had
        // already arrived before it sent the upstream head. Either way the framing is consistent.
        String upstreamLength = app.lastRequest().header("Content-Length");
        if (upstreamLength == null) {
            assertEquals("chunked", app.lastRequest().header("Transfer-Encoding"));
        } else {
            assertEquals(Long.toString(total), upstreamLength);
            assertNull(app.lastRequest().header("Transfer-Encoding"));
        }
    }

    @Test
    void uploadExpecting100ContinueArrivesIntact() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxyTo(app);
        byte[] body = new byte[256 * 1024];
        new Random(3).nextBytes(body);

        ContentResponse response = proxies.client().newRequest("127.0.0.1", proxy.httpPort())
                .method(HttpMethod.POST)
                .path("/upload")
                .headers(h -> h.put("Host", "app.test").put("Expect", "100-continue"))
                .body(new BytesRequestContent("application/octet-stream", body))
                .timeout(30, TimeUnit.SECONDS)
                .send();

        assertEquals(200, response.getStatus());
        assertEquals(HexFormat.of().formatHex(Backends.sha256().digest(body)), response.getHeaders().get("X-Echo-Body-Sha256"));
    }

    @Test
    void headRequestGetsHeadersAndNoBody() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxyTo(app);

        ContentResponse proxied = proxies.client().newRequest("127.0.0.1", proxy.httpPort())
                .method(HttpMethod.HEAD).path("/download/1000").headers(h -> h.put("Host", "app.test")).send();
        ContentResponse notFound = proxies.client().newRequest("127.0.0.1", proxy.httpPort())
                .method(HttpMethod.HEAD).path("/").headers(h -> h.put("Host", "nowhere.test")).send();

        assertEquals(200, proxied.getStatus());
        assertEquals("HEAD", proxied.getHeaders().get("X-Echo-Method"));
        assertEquals(0, proxied.getContent().length);
        assertEquals(404, notFound.getStatus());
        assertEquals(0, notFound.getContent().length);
    }
}
