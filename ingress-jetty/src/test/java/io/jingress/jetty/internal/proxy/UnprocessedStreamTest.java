package io.jingress.jetty.internal.proxy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.ErrorCode;
import org.eclipse.jetty.http2.api.Session;
import org.eclipse.jetty.http2.api.Stream;
import org.eclipse.jetty.http2.api.server.ServerSessionListener;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.frames.GoAwayFrame;
import org.eclipse.jetty.http2.frames.HeadersFrame;
import org.eclipse.jetty.http2.server.RawHTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Promise;
import org.junit.jupiter.api.Test;

/**
 * What Jetty's HTTP/2 client does with a stream opened on a connection whose endpoint has sent
 * GOAWAY (a gRPC server retiring it at its maximum age) is what {@link GrpcUpstream#unprocessed}
 * must recognise: nothing went out, so the call may be sent again on a new connection. The race
 * that leads there (Jetty's pool handing out the connection as the GOAWAY arrives) is rare; the
 * failure it ends in is made here on purpose, with real endpoints on loopback.
 */
class UnprocessedStreamTest {

    @Test
    void aStreamOpenedAfterTheEndpointsGoawayIsUnprocessedAndMaySafelyBeSentAgain() throws Exception {
        CompletableFuture<Session> endpointSession = new CompletableFuture<>();
        Server endpoint = new Server();
        ServerConnector connector = new ServerConnector(endpoint, new RawHTTP2ServerConnectionFactory(new HttpConfiguration(),
                new ServerSessionListener() {
                    @Override
                    public void onAccept(Session session) {
                        endpointSession.complete(session);
                    }
                }, "h2c"));
        connector.setHost("127.0.0.1");
        endpoint.addConnector(connector);
        endpoint.start();
        HTTP2Client client = new HTTP2Client();
        client.start();
        try {
            CountDownLatch goAway = new CountDownLatch(1);
            Session session = client.connect(new InetSocketAddress("127.0.0.1", connector.getLocalPort()), new Session.Listener() {
                @Override
                public void onGoAway(Session session, GoAwayFrame frame) {
                    goAway.countDown();
                }
            }).get(10, TimeUnit.SECONDS);
            // the endpoint retires the connection, as grpc-java's maxConnectionAge does
            endpointSession.get(10, TimeUnit.SECONDS).close(ErrorCode.NO_ERROR.code, "max_age", Callback.NOOP);
            assertTrue(goAway.await(10, TimeUnit.SECONDS), "the endpoint's GOAWAY");

            Promise.Completable<Stream> opened = new Promise.Completable<>();
            MetaData.Request call = new MetaData.Request("POST", HttpURI.from("http://127.0.0.1/jingress.test.Echo/Say"),
                    HttpVersion.HTTP_2, HttpFields.build().put("content-type", "application/grpc"));
            session.newStream(new HeadersFrame(call, null, true), opened, new Stream.Listener() { });
            Throwable failure = null;
            try {
                opened.get(10, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                failure = e.getCause();
            }

            assertTrue(failure != null, "a stream on a session its endpoint closed is never opened");
            assertTrue(GrpcUpstream.unprocessed(failure), "unprocessed: " + failure);
            assertFalse(GrpcUpstream.unprocessed(new IllegalStateException("something else")), "not every IllegalStateException");
        } finally {
            client.stop();
            endpoint.stop();
        }
    }
}
