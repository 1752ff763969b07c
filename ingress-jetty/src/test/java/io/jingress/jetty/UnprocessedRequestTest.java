package io.jingress.jetty;

import static io.jingress.core.model.HttpRouteMatch.pathPrefix;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.jingress.core.model.HttpBackendRef;
import io.jingress.core.model.HttpRoute;
import io.jingress.core.model.HttpRouteRule;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.TestRoutes;

import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.ErrorCode;
import org.eclipse.jetty.http2.api.Stream;
import org.eclipse.jetty.http2.api.server.ServerSessionListener;
import org.eclipse.jetty.http2.frames.DataFrame;
import org.eclipse.jetty.http2.frames.HeadersFrame;
import org.eclipse.jetty.http2.frames.ResetFrame;
import org.eclipse.jetty.http2.server.RawHTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An HTTP/2 endpoint that did not process a request (REFUSED_STREAM, RFC 9113 section 8.7: what a
 * server retiring its connection or at its stream limit answers) is sent the request again, once,
 * whatever its method, when none of its body was read yet; gRPC calls have their own test.
 */
class UnprocessedRequestTest {
    @RegisterExtension
    final Proxies proxies = new Proxies();

    private final AtomicInteger streams = new AtomicInteger();

    /** An h2c endpoint (Jetty's stream API) that refuses its first stream unprocessed and answers the others 200 "served". */
    private Server refusingFirstStream() throws Exception {
        ServerSessionListener listener = new ServerSessionListener() {
            @Override
            public Stream.Listener onNewStream(Stream stream, HeadersFrame frame) {
                if (streams.incrementAndGet() == 1) {
                    stream.reset(new ResetFrame(stream.getId(), ErrorCode.REFUSED_STREAM_ERROR.code), Callback.NOOP);
                    return null;
                }
                MetaData.Response head = new MetaData.Response(200, null, HttpVersion.HTTP_2, HttpFields.build()
                        .put("content-type", "text/plain"));
                stream.headers(new HeadersFrame(stream.getId(), head, null, false), Callback.from(() -> stream.data(
                        new DataFrame(stream.getId(), java.nio.ByteBuffer.wrap("served".getBytes(StandardCharsets.US_ASCII)), true),
                        Callback.NOOP)));
                return null;
            }
        };
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server, new RawHTTP2ServerConnectionFactory(new HttpConfiguration(),
                listener, "h2c"));
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.start();
        return server;
    }

    @Test
    void aRequestWhoseStreamTheEndpointRefusedIsSentAgainWhateverItsMethod() throws Exception {
        Server endpoint = refusingFirstStream();
        try {
            int port = ((ServerConnector) endpoint.getConnectors()[0]).getLocalPort();
            HttpRouteRule rule = new HttpRouteRule(List.of(pathPrefix("/")), List.of(), List.of(HttpBackendRef.service("svc", 80)),
                    null, null, null, List.of());
            HttpRoute route = new HttpRoute("default", "r", Instant.EPOCH, List.of(HttpRoute.ParentRef.of("infra", "web")),
                    List.of("app.gw.test"), List.of(rule));
            IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create().gateway(TestRoutes.OPEN_GATEWAY)
                    .h2cService("svc", port).httpRoute(route).router()));

            ContentResponse response = proxies.client().newRequest("http://127.0.0.1:" + proxy.httpPort() + "/x")
                    .method("DELETE").headers(h -> h.put("Host", "app.gw.test")).timeout(10, TimeUnit.SECONDS).send();

            assertEquals(200, response.getStatus(), response.getContentAsString());
            assertEquals("served", response.getContentAsString());
            assertEquals(2, streams.get(), "the refused stream, then the request sent again");
        } finally {
            endpoint.stop();
        }
    }
}
