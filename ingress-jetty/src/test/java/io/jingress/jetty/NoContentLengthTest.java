package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.ScriptedBackend;
import io.jingress.jetty.testing.ScriptedBackend.Answer;
import io.jingress.jetty.testing.TestRoutes;
import io.jingress.jetty.testing.WireClient;
import io.jingress.jetty.testing.WireClient.Response;

import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A 204 has no body, whatever its headers say (RFC 9110 section 15.3.5), and a server must not
 * send it a {@code Content-Length} (section 8.6). An endpoint that does anyway (a framework setting
 * the length of a body it then drops) gets its 204 through without that field, as nginx passes it:
 * over HTTP/2 the field made Jetty answer 500 with its exception's text ({@code written 0 < 5
 * content-length}), and over HTTP/1.1 a client that believes the field waits for a body that never
 * comes, or reads the next answer as it.
 */
class NoContentLengthTest {
    private static final String HOST = "app.test";

    @RegisterExtension
    final Proxies proxies = new Proxies();
    private final List<ScriptedBackend> backends = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopBackends() {
        backends.forEach(ScriptedBackend::close);
    }

    private IngressServer proxyTo(String answer) {
        ScriptedBackend backend = ScriptedBackend.start((connection, request, head) -> head.startsWith("GET /after ")
                ? Answer.keepOpen("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nafter")
                : Answer.keepOpen(answer));
        backends.add(backend);
        return proxies.start(IngressServer.builder(TestRoutes.create().route(HOST, "/", "app", backend.port()).router())
                .httpsBindAddress("127.0.0.1").httpsPort(0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"5", "0"})
    void aNoContentAnswerWithAContentLengthReachesAnHttp2ClientAs204WithoutIt(String length) throws Exception {
        IngressServer proxy = proxyTo("HTTP/1.1 204 No Content\r\nContent-Length: " + length + "\r\nETag: \"v1\"\r\n\r\n");

        ContentResponse response = proxies.http2Client().newRequest("https://" + HOST + ":" + proxy.httpsPort() + "/")
                .timeout(10, TimeUnit.SECONDS).send();

        assertEquals(204, response.getStatus(), response.getContentAsString());
        // not the endpoint's; Jetty's HTTP/2 side may say the 0 it sent
        String sent = response.getHeaders().get("Content-Length");
        assertTrue(sent == null || sent.equals("0"), sent);
        assertEquals("\"v1\"", response.getHeaders().get("ETag"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"5", "0"})
    void aNoContentAnswerWithAContentLengthReachesAnHttp11ClientWithoutIt(String length) throws Exception {
        IngressServer proxy = proxyTo("HTTP/1.1 204 No Content\r\nContent-Length: " + length + "\r\nETag: \"v1\"\r\n\r\n");

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            Response noContent = client.exchange(WireClient.get(HOST, "/"));
            assertEquals(204, noContent.status(), noContent.toString());
            assertNull(noContent.header("Content-Length"), noContent.toString());
            assertEquals("\"v1\"", noContent.header("ETag"));

            assertEquals("after", client.exchange(WireClient.get(HOST, "/after")).bodyText());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/1.1", "HTTP/2"})
    void aNotModifiedAnswerKeepsItsContentLengthWhichNamesTheRepresentations(String version) throws Exception {
        // RFC 9110 section 8.6: a 304 may say the length of the body a 200 would have had
        IngressServer proxy = proxyTo("HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\nETag: \"v1\"\r\n\r\n");

        if (version.equals("HTTP/2")) {
            ContentResponse response = proxies.http2Client().newRequest("https://" + HOST + ":" + proxy.httpsPort() + "/")
                    .timeout(10, TimeUnit.SECONDS).send();
            assertEquals(304, response.getStatus());
            assertEquals("5", response.getHeaders().get("Content-Length"));
            return;
        }
        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            client.send(WireClient.get(HOST, "/"));
            Response notModified = client.readHeadResponse();  // no body, whatever the length says
            assertEquals(304, notModified.status(), notModified.toString());
            assertEquals("5", notModified.header("Content-Length"));

            assertEquals("after", client.exchange(WireClient.get(HOST, "/after")).bodyText());
        }
    }
}
