package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptors;
import io.grpc.Context;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.TestRoutes;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code backend-protocol: GRPC} and {@code GRPCS} through a real proxy: a grpc-java client over TLS
 * (ALPN h2) to the proxy's HTTPS port, and grpc-java servers on loopback as the endpoints, in
 * cleartext HTTP/2 and over TLS ({@code tls/upstream.crt}, signed by {@code tls/upstream-ca.crt}).
 * Unary, server-streaming and bidirectional calls, statuses and trailers, metadata both ways,
 * cancellation, and what a client gets when the endpoint cannot be reached.
 */
class GrpcBackendTest {
    private static final String PROTOCOL = "nginx.ingress.kubernetes.io/backend-protocol";
    private static final String SERVICE = "jingress.test.Echo";
    private static final MethodDescriptor.Marshaller<String> UTF8 = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(String value) {
            return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };
    private static final MethodDescriptor<String, String> SAY = method("Say", MethodDescriptor.MethodType.UNARY);
    private static final MethodDescriptor<String, String> COUNT = method("Count", MethodDescriptor.MethodType.SERVER_STREAMING);
    private static final MethodDescriptor<String, String> CHAT = method("Chat", MethodDescriptor.MethodType.BIDI_STREAMING);
    private static final MethodDescriptor<String, String> FAIL = method("Fail", MethodDescriptor.MethodType.UNARY);
    private static final Metadata.Key<String> USER = Metadata.Key.of("x-user", Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> DETAIL = Metadata.Key.of("x-detail", Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> FORWARDED_FOR = Metadata.Key.of("x-forwarded-for", Metadata.ASCII_STRING_MARSHALLER);

    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    private final List<Server> servers = new ArrayList<>();
    private final List<ManagedChannel> channels = new ArrayList<>();
    /** What the endpoint saw of the last call: its :authority and its metadata. */
    private final AtomicReference<String> authoritySeen = new AtomicReference<>();
    private final AtomicReference<Metadata> headersSeen = new AtomicReference<>();
    private final AtomicInteger calls = new AtomicInteger();
    /** The second message of a Count call waits for this. */
    private final CountDownLatch firstMessageRead = new CountDownLatch(1);
    /** A Count call of "forever" ends here when its client cancels it. */
    private final CountDownLatch cancelSeen = new CountDownLatch(1);

    @AfterEach
    void stop() throws Exception {
        for (ManagedChannel channel : channels) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        for (Server server : servers) {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static MethodDescriptor<String, String> method(String name, MethodDescriptor.MethodType type) {
        return MethodDescriptor.<String, String>newBuilder().setType(type)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
                .setRequestMarshaller(UTF8).setResponseMarshaller(UTF8).build();
    }

    /** The endpoint's service: Say, Count (a stream of n messages), Chat (each message echoed upper-cased), Fail. */
    private ServerServiceDefinition service() {
        ServerServiceDefinition echo = ServerServiceDefinition.builder(SERVICE)
                .addMethod(SAY, ServerCalls.asyncUnaryCall((String name, StreamObserver<String> answer) -> {
                    answer.onNext("hello " + name);
                    answer.onCompleted();
                }))
                .addMethod(COUNT, ServerCalls.asyncServerStreamingCall((String n, StreamObserver<String> answer) -> count(n, answer)))
                .addMethod(CHAT, ServerCalls.asyncBidiStreamingCall((StreamObserver<String> answer) -> new StreamObserver<String>() {
                    @Override
                    public void onNext(String message) {
                        answer.onNext(message.toUpperCase());
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onCompleted() {
                        answer.onCompleted();
                    }
                }))
                .addMethod(FAIL, ServerCalls.asyncUnaryCall((String what, StreamObserver<String> answer) -> {
                    Metadata trailers = new Metadata();
                    trailers.put(DETAIL, "looked everywhere");
                    answer.onError(Status.NOT_FOUND.withDescription("no such thing: " + what).asRuntimeException(trailers));
                }))
                .build();
        ServerInterceptor seeing = new ServerInterceptor() {
            @Override
            public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
                calls.incrementAndGet();
                authoritySeen.set(call.getAuthority());
                headersSeen.set(headers);
                return next.startCall(call, headers);
            }
        };
        return ServerInterceptors.intercept(echo, seeing);
    }

    private void count(String n, StreamObserver<String> answer) {
        if (n.equals("forever")) {
            Context.current().addListener(context -> cancelSeen.countDown(), Runnable::run);
            answer.onNext("0");
            return;  // never completed: the client cancels
        }
        try {
            for (int i = 1; i <= Integer.parseInt(n); i++) {
                answer.onNext(Integer.toString(i));
                if (i == 1 && !firstMessageRead.await(10, TimeUnit.SECONDS)) {
                    answer.onError(Status.DEADLINE_EXCEEDED.withDescription("the first message never reached the client")
                            .asRuntimeException());
                    return;
                }
            }
            answer.onCompleted();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            answer.onError(e);
        }
    }

    private int startPlainEndpoint() throws IOException {
        Server server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create()).addService(service()).build().start();
        servers.add(server);
        return server.getPort();
    }

    private int startTlsEndpoint() throws IOException {
        Server server;
        try (InputStream chain = resource("upstream.crt"); InputStream key = resource("upstream.key")) {
            server = Grpc.newServerBuilderForPort(0, TlsServerCredentials.create(chain, key)).addService(service()).build().start();
        }
        servers.add(server);
        return server.getPort();
    }

    private static InputStream resource(String name) {
        return GrpcBackendTest.class.getResourceAsStream("/tls/" + name);
    }

    /** A loopback port nothing listens on: an endpoint that refuses every connection. */
    private static int closedPort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private IngressServer startProxy(TestRoutes routes) {
        return proxies.start(IngressServer.builder(routes.router()).httpsBindAddress("127.0.0.1").httpsPort(0));
    }

    /** A gRPC channel to the proxy's HTTPS port (its certificate taken as it is) for {@code host}. */
    private ManagedChannel channel(IngressServer proxy, String host) {
        TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder().trustManager(new TrustingAll());
        ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", proxy.httpsPort(), tls.build())
                .overrideAuthority(host).build();
        channels.add(channel);
        return channel;
    }

    /** A gRPC channel in plaintext (HTTP/2 with prior knowledge) to the proxy's plain-HTTP port for {@code host}. */
    private ManagedChannel plainChannel(IngressServer proxy, String host) {
        ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", proxy.httpPort(),
                InsecureChannelCredentials.create()).overrideAuthority(host).build();
        channels.add(channel);
        return channel;
    }

    private static <Q, A> ClientCall<Q, A> call(ManagedChannel channel, MethodDescriptor<Q, A> method) {
        return channel.newCall(method, CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS));
    }

    @Test
    void aUnaryCallReachesACleartextEndpointWithTheClientsAuthorityAndMetadata() throws Exception {
        IngressServer proxy = startProxy(TestRoutes.create()
                .route("grpc.test", "/", "greeter", Map.of(PROTOCOL, "GRPC"), startPlainEndpoint()));
        ManagedChannel channel = channel(proxy, "grpc.test");
        Metadata sent = new Metadata();
        sent.put(USER, "alice");

        String answer = ClientCalls.blockingUnaryCall(
                ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(sent)), SAY,
                CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS), "jingress");

        assertEquals("hello jingress", answer);
        // the authority the client asked for, as the Host of an HTTP/1 request (Jetty's client names the port)
        assertEquals("grpc.test", authoritySeen.get().replaceFirst(":\\d+$", ""), authoritySeen.get());
        Metadata seen = headersSeen.get();
        assertEquals("alice", seen.get(USER));
        assertEquals("127.0.0.1", seen.get(FORWARDED_FOR));
    }

    /** With the same client, a call of {@code method} whose only request is {@code request}; its answers and status. */
    private static List<String> serverStream(ManagedChannel channel, MethodDescriptor<String, String> method, String request,
            CountDownLatch onFirst) {
        List<String> got = new ArrayList<>();
        Iterator<String> answers = ClientCalls.blockingServerStreamingCall(call(channel, method), request);
        while (answers.hasNext()) {
            got.add(answers.next());
            if (got.size() == 1 && onFirst != null) {
                onFirst.countDown();
            }
        }
        return got;
    }

    @Test
    void aServerStreamsMessagesOneByOneThroughTheProxy() throws Exception {
        IngressServer proxy = startProxy(TestRoutes.create()
                .route("grpc.test", "/", "counter", Map.of(PROTOCOL, "grpc"), startPlainEndpoint()));

        // the endpoint sends its second message only once the client has read the first: an answer
        // held back until the stream ended would never complete (the endpoint fails it after 10 s)
        List<String> got = serverStream(channel(proxy, "grpc.test"), COUNT, "4", firstMessageRead);

        assertEquals(List.of("1", "2", "3", "4"), got);
    }

    @Test
    void aBidirectionalStreamCarriesEachMessageBeforeTheNextIsSent() throws Exception {
        IngressServer proxy = startProxy(TestRoutes.create()
                .route("grpc.test", "/", "chat", Map.of(PROTOCOL, "GRPC"), startPlainEndpoint()));
        BlockingQueue<String> answers = new LinkedBlockingQueue<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        StreamObserver<String> requests = ClientCalls.asyncBidiStreamingCall(call(channel(proxy, "grpc.test"), CHAT),
                new StreamObserver<String>() {
                    @Override
                    public void onNext(String value) {
                        answers.add(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        failure.set(t);
                        done.countDown();
                    }

                    @Override
                    public void onCompleted() {
                        done.countDown();
                    }
                });

        for (String word : List.of("one", "two", "three")) {
            requests.onNext(word);
            // the request stream is still open: its message went through alone, and its echo back
            assertEquals(word.toUpperCase(), answers.poll(10, TimeUnit.SECONDS), "echo of " + word);
        }
        requests.onCompleted();

        assertTrue(done.await(10, TimeUnit.SECONDS));
        assertNull(failure.get());
        assertTrue(answers.isEmpty(), answers.toString());
    }

    @Test
    void anErrorStatusItsMessageAndItsTrailersReachTheClient() throws Exception {
        IngressServer proxy = startProxy(TestRoutes.create()
                .route("grpc.test", "/", "failing", Map.of(PROTOCOL, "GRPC"), startPlainEndpoint()));
        ManagedChannel channel = channel(proxy, "grpc.test");

        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> ClientCalls.blockingUnaryCall(call(channel, FAIL), "the key"));

        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode(), e.toString());
        assertEquals("no such thing: the key", e.getStatus().getDescription());
        assertEquals("looked everywhere", e.getTrailers().get(DETAIL));
    }

    @Test
    void aCallAfterAStreamWithTrailersGetsItsOwnStatus() throws Exception {
        // statuses travel in trailers: a stream's OK must not be taken by the next call (and the reverse)
        IngressServer proxy = startProxy(TestRoutes.create()
                .route("grpc.test", "/", "mixed", Map.of(PROTOCOL, "GRPC"), startPlainEndpoint()));
        ManagedChannel channel = channel(proxy, "grpc.test");
        firstMessageRead.countDown();

        for (int i = 0; i < 20; i++) {
            assertEquals(List.of("1", "2"), serverStream(channel, COUNT, "2", null));
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> ClientCalls.blockingUnaryCall(call(channel, FAIL), "x"));
            assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
            assertEquals("hello " + i, ClientCalls.blockingUnaryCall(call(channel, SAY), Integer.toString(i)));
        }
    }

    @Test
    void manyCallsAtOnceEachGetTheirOwnAnswer() throws Exception {
        IngressServer proxy = startProxy(TestRoutes.create()
                .route("grpc.test", "/", "busy", Map.of(PROTOCOL, "GRPC"), startPlainEndpoint()));
        ManagedChannel channel = channel(proxy, "grpc.test");
        List<com.google.common.util.concurrent.ListenableFuture<String>> answers = new ArrayList<>();

        for (int i = 0; i < 200; i++) {
            answers.add(ClientCalls.futureUnaryCall(call(channel, SAY), "call " + i));
        }

        for (int i = 0; i < 200; i++) {
            assertEquals("hello call " + i, answers.get(i).get(20, TimeUnit.SECONDS));
        }
        assertEquals(200, calls.get());
    }

    @Test
    void aCallWhoseEndpointRefusesTheConnectionGoesToAnotherThoughItIsAPost() throws Exception {
        int closed = closedPort();
        IngressServer proxy = startProxy(TestRoutes.create()
                .route("grpc.test", "/", "half-down", Map.of(PROTOCOL, "GRPC"), closed, startPlainEndpoint()));
        ManagedChannel channel = channel(proxy, "grpc.test");

        // round robin sends every other call to the closed port first: nothing of it left, so it moves on
        for (int i = 0; i < 10; i++) {
            assertEquals("hello " + i, ClientCalls.blockingUnaryCall(call(channel, SAY), Integer.toString(i)));
        }
        assertEquals(10, calls.get());
    }

    @Test
    void callsGoOnWhileTheEndpointRetiresItsConnectionsWithGoaway() throws Exception {
        // grpc-java's maxConnectionAge, set by many servers so that clients rebalance: every 100 ms
        // the endpoint sends GOAWAY on its connection and closes it once its calls are done
        Server server = io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder.forPort(0)
                .maxConnectionAge(100, TimeUnit.MILLISECONDS).maxConnectionAgeGrace(5, TimeUnit.SECONDS)
                .addService(service()).build().start();
        servers.add(server);
        IngressServer proxy = startProxy(TestRoutes.create()
                .route("grpc.test", "/", "aging", Map.of(PROTOCOL, "GRPC"), server.getPort()));
        ManagedChannel channel = channel(proxy, "grpc.test");

        for (int i = 0; i < 300; i++) {
            assertEquals("hello " + i, ClientCalls.blockingUnaryCall(call(channel, SAY), Integer.toString(i)), "call " + i);
            if (i % 50 == 0) {
                Thread.sleep(150);  // past the age: the next call meets a connection being retired
            }
        }
    }

    @Test
    void aCallWhoseStreamTheEndpointRefusedIsSentAgainWithItsBodyWhole() throws Exception {
        AtomicInteger streams = new AtomicInteger();
        List<String> served = new java.util.concurrent.CopyOnWriteArrayList<>();
        org.eclipse.jetty.server.Server endpoint = refusingFirstStream(streams, served);
        try {
            int port = ((org.eclipse.jetty.server.ServerConnector) endpoint.getConnectors()[0]).getLocalPort();
            IngressServer proxy = startProxy(TestRoutes.create()
                    .route("grpc.test", "/", "refusing", Map.of(PROTOCOL, "GRPC"), port));

            String answer = ClientCalls.blockingUnaryCall(call(channel(proxy, "grpc.test"), SAY), "again");

            assertEquals("hello again", answer);
            assertEquals(2, streams.get(), "the refused stream, then the call sent again");
            assertEquals(List.of("again"), served);
        } finally {
            endpoint.stop();
        }
    }

    /**
     * A bare HTTP/2 endpoint (h2c, Jetty's stream API) that resets its first stream with
     * REFUSED_STREAM, unprocessed (RFC 9113 section 8.7), and answers the others as Say does,
     * noting the message each carried.
     */
    private static org.eclipse.jetty.server.Server refusingFirstStream(AtomicInteger streams, List<String> served)
            throws Exception {
        org.eclipse.jetty.http2.api.server.ServerSessionListener listener = new org.eclipse.jetty.http2.api.server.ServerSessionListener() {
            @Override
            public org.eclipse.jetty.http2.api.Stream.Listener onNewStream(org.eclipse.jetty.http2.api.Stream stream,
                    org.eclipse.jetty.http2.frames.HeadersFrame frame) {
                if (streams.incrementAndGet() == 1) {
                    stream.reset(new org.eclipse.jetty.http2.frames.ResetFrame(stream.getId(),
                            org.eclipse.jetty.http2.ErrorCode.REFUSED_STREAM_ERROR.code), org.eclipse.jetty.util.Callback.NOOP);
                    return null;
                }
                java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
                stream.demand();
                return new org.eclipse.jetty.http2.api.Stream.Listener() {
                    @Override
                    public void onDataAvailable(org.eclipse.jetty.http2.api.Stream stream) {
                        org.eclipse.jetty.http2.api.Stream.Data data = stream.readData();
                        if (data == null) {
                            stream.demand();
                            return;
                        }
                        java.nio.ByteBuffer bytes = data.frame().getByteBuffer();
                        while (bytes.hasRemaining()) {
                            body.write(bytes.get());
                        }
                        boolean last = data.frame().isEndStream();
                        data.release();
                        if (!last) {
                            stream.demand();
                            return;
                        }
                        byte[] request = body.toByteArray();
                        String name = new String(request, 5, request.length - 5, StandardCharsets.UTF_8);
                        served.add(name);
                        answer(stream, "hello " + name);
                    }
                };
            }
        };
        org.eclipse.jetty.server.Server server = new org.eclipse.jetty.server.Server();
        org.eclipse.jetty.server.ServerConnector connector = new org.eclipse.jetty.server.ServerConnector(server,
                new org.eclipse.jetty.http2.server.RawHTTP2ServerConnectionFactory(
                        new org.eclipse.jetty.server.HttpConfiguration(), listener, "h2c"));
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.start();
        return server;
    }

    /** A gRPC answer of one message and status 0: head, message, trailers. */
    private static void answer(org.eclipse.jetty.http2.api.Stream stream, String message) {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        java.nio.ByteBuffer frame = java.nio.ByteBuffer.allocate(5 + bytes.length).put((byte) 0).putInt(bytes.length).put(bytes).flip();
        org.eclipse.jetty.http.MetaData.Response head = new org.eclipse.jetty.http.MetaData.Response(200, null,
                org.eclipse.jetty.http.HttpVersion.HTTP_2,
                org.eclipse.jetty.http.HttpFields.build().put("content-type", "application/grpc"));
        org.eclipse.jetty.http.MetaData trailers = new org.eclipse.jetty.http.MetaData(org.eclipse.jetty.http.HttpVersion.HTTP_2,
                org.eclipse.jetty.http.HttpFields.build().put("grpc-status", "0"));
        stream.headers(new org.eclipse.jetty.http2.frames.HeadersFrame(stream.getId(), head, null, false),
                org.eclipse.jetty.util.Callback.from(() -> stream.data(
                        new org.eclipse.jetty.http2.frames.DataFrame(stream.getId(), frame, false),
                        org.eclipse.jetty.util.Callback.from(() -> stream.headers(
                                new org.eclipse.jetty.http2.frames.HeadersFrame(stream.getId(), trailers, null, true),
                                org.eclipse.jetty.util.Callback.NOOP)))));
    }

    @Test
    void aCallToARouteWithoutBackendProtocolGrpcIsAnsweredWithTheHint() throws Exception {
        // the mistake of the usual first try: a gRPC Service behind an Ingress without the annotation
        IngressServer proxy = startProxy(TestRoutes.create()
                .route("grpc.test", "/", "forgotten", startPlainEndpoint()));

        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> ClientCalls.blockingUnaryCall(call(channel(proxy, "grpc.test"), SAY), "a"));

        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.toString());
        assertTrue(e.getStatus().getDescription().contains("backend-protocol: GRPC"), e.getStatus().getDescription());
    }

    @Test
    void largeMessagesGoThroughBothWays() throws Exception {
        IngressServer proxy = startProxy(TestRoutes.create()
                .route("grpc.test", "/", "large", Map.of(PROTOCOL, "GRPC"), startPlainEndpoint()));
        String large = "x".repeat(3 * 1024 * 1024);

        String answer = ClientCalls.blockingUnaryCall(call(channel(proxy, "grpc.test"), SAY), large);

        assertEquals("hello " + large, answer);
    }

    @Test
    void metricsCountCallsByTheStatusTheirClientSaw() throws Exception {
        int closed = closedPort();
        IngressServer proxy = startProxy(TestRoutes.create()
                .route("grpc.test", "/", "greeter", Map.of(PROTOCOL, "GRPC"), startPlainEndpoint())
                .route("down.test", "/", "down", Map.of(PROTOCOL, "GRPC"), closed));
        ManagedChannel channel = channel(proxy, "grpc.test");

        ClientCalls.blockingUnaryCall(call(channel, SAY), "a");
        ClientCalls.blockingUnaryCall(call(channel, SAY), "b");
        assertThrows(StatusRuntimeException.class, () -> ClientCalls.blockingUnaryCall(call(channel, FAIL), "c"));
        assertThrows(StatusRuntimeException.class,
                () -> ClientCalls.blockingUnaryCall(call(channel(proxy, "down.test"), SAY), "d"));

        String metrics = proxies.client().newRequest("127.0.0.1", proxy.adminPort()).path("/metrics")
                .timeout(10, TimeUnit.SECONDS).send().getContentAsString();
        // all four answered 200 or 502 over HTTP; the gRPC status tells them apart
        assertTrue(metrics.contains("jingress_grpc_calls_total{ingress=\"default/ingress-1\",service=\"default/greeter:80\","
                + "grpc_code=\"OK\"} 2\n"), metrics);
        assertTrue(metrics.contains("jingress_grpc_calls_total{ingress=\"default/ingress-1\",service=\"default/greeter:80\","
                + "grpc_code=\"NOT_FOUND\"} 1\n"), metrics);
        assertTrue(metrics.contains("jingress_grpc_calls_total{ingress=\"default/ingress-2\",service=\"default/down:80\","
                + "grpc_code=\"UNAVAILABLE\"} 1\n"), metrics);
    }

    @Test
    void anHttpRouteToAServicePortWithAppProtocolH2cCarriesGrpcCalls() throws Exception {
        io.jingress.core.model.Gateway gateway = new io.jingress.core.model.Gateway("infra", "web", "jingress",
                List.of(io.jingress.core.model.Gateway.Listener.http("http", "*.gw.test", 80)
                        .allowedRoutesFrom(io.jingress.core.model.Gateway.FROM_ALL)));
        io.jingress.core.model.HttpRoute route = new io.jingress.core.model.HttpRoute("default", "greeter",
                java.time.Instant.EPOCH, List.of(io.jingress.core.model.HttpRoute.ParentRef.of("infra", "web")),
                List.of("grpc.gw.test"), List.of(io.jingress.core.model.HttpRouteRule.of(
                        List.of(io.jingress.core.model.HttpRouteMatch.pathPrefix("/" + SERVICE)),
                        List.of(io.jingress.core.model.HttpBackendRef.service("greeter", 80)))));
        IngressServer proxy = startProxy(TestRoutes.create().gateway(gateway).h2cService("greeter", startPlainEndpoint())
                .httpRoute(route));
        ManagedChannel channel = channel(proxy, "grpc.gw.test");

        assertEquals("hello gateway", ClientCalls.blockingUnaryCall(call(channel, SAY), "gateway"));
        assertEquals(List.of("1", "2"), serverStream(channel, COUNT, "2", firstMessageRead));
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> ClientCalls.blockingUnaryCall(call(channel, FAIL), "x"));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode(), e.toString());
    }

    @Test
    void aGrpcRouteSendsCallsByServiceMethodAndMetadataToItsBackendsInHttp2() throws Exception {
        io.jingress.core.model.Gateway gateway = new io.jingress.core.model.Gateway("infra", "web", "jingress",
                List.of(io.jingress.core.model.Gateway.Listener.https("https", "*.gw.test", 443, List.of())
                        .allowedRoutesFrom(io.jingress.core.model.Gateway.FROM_ALL)));
        // Say with x-user: bob, and Fail, go to an endpoint that refuses connections; the rest of the service works
        io.jingress.core.model.GrpcRoute route = new io.jingress.core.model.GrpcRoute("default", "greeter",
                java.time.Instant.EPOCH, List.of(io.jingress.core.model.HttpRoute.ParentRef.of("infra", "web")),
                List.of("grpc.gw.test"), List.of(
                        io.jingress.core.model.GrpcRouteRule.of(List.of(
                                io.jingress.core.model.GrpcRouteMatch.method(SERVICE, "Say").withHeader("x-user", "bob"),
                                io.jingress.core.model.GrpcRouteMatch.method(null, "Fail")),
                                List.of(io.jingress.core.model.HttpBackendRef.service("down", 80))),
                        io.jingress.core.model.GrpcRouteRule.of(List.of(
                                io.jingress.core.model.GrpcRouteMatch.method(SERVICE, null)),
                                List.of(io.jingress.core.model.HttpBackendRef.service("greeter", 80)))));
        IngressServer proxy = startProxy(TestRoutes.create().gateway(gateway).service("default", "greeter", startPlainEndpoint())
                .service("default", "down", closedPort()).grpcRoute(route));
        ManagedChannel channel = channel(proxy, "grpc.gw.test");

        assertEquals("hello alice", ClientCalls.blockingUnaryCall(call(channel, SAY), "alice"));
        assertEquals(List.of("1", "2"), serverStream(channel, COUNT, "2", firstMessageRead));
        Metadata bob = new Metadata();
        bob.put(USER, "bob");
        StatusRuntimeException toBob = assertThrows(StatusRuntimeException.class, () -> ClientCalls.blockingUnaryCall(
                ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(bob)), SAY,
                CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS), "bob"));
        assertEquals(Status.Code.UNAVAILABLE, toBob.getStatus().getCode(), "x-user: bob goes to the endpoint that is down");
        StatusRuntimeException fail = assertThrows(StatusRuntimeException.class,
                () -> ClientCalls.blockingUnaryCall(call(channel, FAIL), "x"));
        assertEquals(Status.Code.NOT_FOUND, fail.getStatus().getCode(),
                "the endpoint's own answer: a match on the service comes before one on a method of any service");
        StatusRuntimeException otherFail = assertThrows(StatusRuntimeException.class,
                () -> ClientCalls.blockingUnaryCall(call(channel, otherService("Fail")), "x"));
        assertEquals(Status.Code.UNAVAILABLE, otherFail.getStatus().getCode(), "Fail of another service goes to the one down");
        StatusRuntimeException unrouted = assertThrows(StatusRuntimeException.class,
                () -> ClientCalls.blockingUnaryCall(call(channel, otherService("Say")), "x"));
        assertEquals(Status.Code.UNIMPLEMENTED, unrouted.getStatus().getCode(), "no rule takes it: 404");

        String metrics = proxies.client().newRequest("127.0.0.1", proxy.adminPort()).path("/metrics")
                .timeout(10, TimeUnit.SECONDS).send().getContentAsString();
        assertTrue(metrics.contains("jingress_grpc_calls_total{ingress=\"default/greeter\",service=\"default/greeter:80\","
                + "grpc_code=\"OK\"} 2\n"), metrics);
        assertTrue(metrics.contains("jingress_grpc_calls_total{ingress=\"default/greeter\",service=\"default/down:80\","
                + "grpc_code=\"UNAVAILABLE\"} 2\n"), metrics);
    }

    @Test
    void aGrpcRoutesBackendRefThatIsNotValidIsUnavailableAsTheGatewayApiAsks() throws Exception {
        io.jingress.core.model.Gateway gateway = new io.jingress.core.model.Gateway("infra", "web", "jingress",
                List.of(io.jingress.core.model.Gateway.Listener.https("https", null, 443, List.of())
                        .allowedRoutesFrom(io.jingress.core.model.Gateway.FROM_ALL)));
        io.jingress.core.model.GrpcRoute route = new io.jingress.core.model.GrpcRoute("default", "greeter",
                java.time.Instant.EPOCH, List.of(io.jingress.core.model.HttpRoute.ParentRef.of("infra", "web")),
                List.of("grpc.gw.test"), List.of(io.jingress.core.model.GrpcRouteRule.of(List.of(),
                        List.of(io.jingress.core.model.HttpBackendRef.service("missing", 80)))));
        IngressServer proxy = startProxy(TestRoutes.create().gateway(gateway).grpcRoute(route));

        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> ClientCalls.blockingUnaryCall(call(channel(proxy, "grpc.gw.test"), SAY), "a"));
        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.toString());
        assertTrue(e.getStatus().getDescription().contains("backendRef is not valid"), e.getStatus().getDescription());
    }

    private static MethodDescriptor<String, String> otherService(String method) {
        return MethodDescriptor.<String, String>newBuilder().setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName("jingress.test.Other/" + method).setRequestMarshaller(UTF8).setResponseMarshaller(UTF8)
                .build();
    }

    @Test
    void aPlaintextClientReachesAnIngressAndAGrpcRouteOnTheHttpPortInHttp2() throws Exception {
        int endpoint = startPlainEndpoint();
        io.jingress.core.model.Gateway gateway = new io.jingress.core.model.Gateway("infra", "web", "jingress",
                List.of(io.jingress.core.model.Gateway.Listener.http("http", "*.gw.test", 80)
                        .allowedRoutesFrom(io.jingress.core.model.Gateway.FROM_ALL)));
        io.jingress.core.model.GrpcRoute route = new io.jingress.core.model.GrpcRoute("default", "greeter",
                java.time.Instant.EPOCH, List.of(io.jingress.core.model.HttpRoute.ParentRef.of("infra", "web")),
                List.of("grpc.gw.test"), List.of(io.jingress.core.model.GrpcRouteRule.of(
                        List.of(io.jingress.core.model.GrpcRouteMatch.method(SERVICE, null)),
                        List.of(io.jingress.core.model.HttpBackendRef.service("greeter", 80)))));
        IngressServer proxy = startProxy(TestRoutes.create()
                .route("grpc.test", "/", "legacy", Map.of(PROTOCOL, "GRPC"), endpoint)
                .gateway(gateway).service("default", "greeter", endpoint).grpcRoute(route));

        for (String host : List.of("grpc.test", "grpc.gw.test")) {
            ManagedChannel channel = plainChannel(proxy, host);
            assertEquals("hello " + host, ClientCalls.blockingUnaryCall(call(channel, SAY), host));
            assertEquals(host, authoritySeen.get().replaceFirst(":\\d+$", ""));
            assertEquals(List.of("1", "2", "3"), serverStream(channel, COUNT, "3", firstMessageRead));
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> ClientCalls.blockingUnaryCall(call(channel, FAIL), "x"));
            assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode(), host + ": " + e);
            assertEquals("no such thing: x", e.getStatus().getDescription());
        }
    }

    @Test
    void aCallTheClientCancelsIsCancelledAtTheEndpoint() throws Exception {
        IngressServer proxy = startProxy(TestRoutes.create()
                .route("grpc.test", "/", "stream", Map.of(PROTOCOL, "GRPC"), startPlainEndpoint()));
        ClientCall<String, String> call = call(channel(proxy, "grpc.test"), COUNT);
        CountDownLatch first = new CountDownLatch(1);
        call.start(new ClientCall.Listener<>() {
            @Override
            public void onMessage(String message) {
                first.countDown();
            }
        }, new Metadata());
        call.sendMessage("forever");
        call.halfClose();
        call.request(10);
        assertTrue(first.await(10, TimeUnit.SECONDS), "the stream's first message");

        call.cancel("the user went away", null);

        assertTrue(cancelSeen.await(10, TimeUnit.SECONDS), "the endpoint's call was cancelled");
    }

    @Test
    void grpcsReachesATlsEndpointUnverifiedByDefaultAndVerifiedWhenAsked() throws Exception {
        int port = startTlsEndpoint();
        Map<String, String> verified = new HashMap<>();
        verified.put(PROTOCOL, "GRPCS");
        verified.put("nginx.ingress.kubernetes.io/proxy-ssl-verify", "on");
        verified.put("nginx.ingress.kubernetes.io/proxy-ssl-secret", "default/upstream-ca");
        verified.put("nginx.ingress.kubernetes.io/proxy-ssl-name", "backend.internal");
        Map<String, String> wrongName = new HashMap<>(verified);
        wrongName.put("nginx.ingress.kubernetes.io/proxy-ssl-name", "someone-else.internal");
        String ca;
        try (InputStream in = resource("upstream-ca.crt")) {
            ca = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
        TestRoutes routes = TestRoutes.create()
                .route("plain.test", "/", "unverified", Map.of(PROTOCOL, "GRPCS"), port)
                .route("verified.test", "/", "verified", verified, port)
                .route("wrong.test", "/", "wrong", wrongName, port)
                .opaqueSecret("upstream-ca", Map.of("ca.crt", ca));
        routes.apply();
        IngressServer proxy = startProxy(routes);

        assertEquals("hello a", ClientCalls.blockingUnaryCall(call(channel(proxy, "plain.test"), SAY), "a"));
        assertEquals("hello b", ClientCalls.blockingUnaryCall(call(channel(proxy, "verified.test"), SAY), "b"));
        assertEquals(2, calls.get());

        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
                () -> ClientCalls.blockingUnaryCall(call(channel(proxy, "wrong.test"), SAY), "c"));
        // a 502 from the proxy, which gRPC clients read as UNAVAILABLE
        assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode(), refused.toString());
        assertTrue(refused.getStatus().getDescription().contains("502"), refused.getStatus().getDescription());
        assertEquals(2, calls.get(), "nothing reached the endpoint whose certificate was refused");
    }

    @Test
    void anEndpointThatCannotBeReachedIsUnavailableAndAnHttp1EndpointIsABadGateway() throws Exception {
        int closed = closedPort();
        Backends.Echo http1 = backends.start("web");
        IngressServer proxy = startProxy(TestRoutes.create()
                .route("down.test", "/", "down", Map.of(PROTOCOL, "GRPC"), closed)
                .route("http1.test", "/", "http1", Map.of(PROTOCOL, "GRPC"), http1.port()));

        StatusRuntimeException down = assertThrows(StatusRuntimeException.class,
                () -> ClientCalls.blockingUnaryCall(call(channel(proxy, "down.test"), SAY), "a"));
        assertEquals(Status.Code.UNAVAILABLE, down.getStatus().getCode(), down.toString());
        assertTrue(down.getStatus().getDescription().contains("502"), down.getStatus().getDescription());

        // a port that speaks HTTP/1.1 only (a Jetty server without HTTP/2): no hang, an answer
        StatusRuntimeException http1Only = assertThrows(StatusRuntimeException.class,
                () -> ClientCalls.blockingUnaryCall(call(channel(proxy, "http1.test"), SAY), "b"));
        assertEquals(Status.Code.UNAVAILABLE, http1Only.getStatus().getCode(), http1Only.toString());
        assertEquals(0, calls.get());
    }

    /** Takes any certificate, names unchecked: the proxy's own certificate is not what is tested here. */
    private static final class TrustingAll extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
