package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.ScriptedBackend;
import io.jingress.jetty.testing.ScriptedBackend.Answer;
import io.jingress.jetty.testing.TestRoutes;
import io.jingress.jetty.testing.WireClient;
import io.jingress.jetty.testing.WireClient.Response;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An endpoint's {@code 103 Early Hints} before its answer: the client gets the answer only, as
 * from ingress-nginx, whichever way the request went upstream (a body-less GET on the proxy's own
 * connections, a chunked upload on Jetty's client, which passed the 103 on).
 */
class EarlyHintsTest {
    private static final String HOST = "app.test";

    @RegisterExtension
    final Proxies proxies = new Proxies();
    private ScriptedBackend backend;

    @AfterEach
    void stopBackend() {
        if (backend != null) {
            backend.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "GET /page HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n",
        "POST /page HTTP/1.1\r\nHost: " + HOST + "\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n",
    })
    void anEarlyHintsAnswerIsNotPassedOn(String request) throws Exception {
        backend = ScriptedBackend.startReadingBodies((connection, number, head) -> Answer.keepOpen(
                "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
                        + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
        IngressServer proxy = proxies.start(IngressServer.builder(
                TestRoutes.create().route(HOST, "/", "app", backend.port()).router()));

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            Response first = client.send(request).readInterimOrFinal();

            assertEquals(200, first.status(), first.toString());
            assertEquals("ok", first.bodyText());
        }
    }
}
