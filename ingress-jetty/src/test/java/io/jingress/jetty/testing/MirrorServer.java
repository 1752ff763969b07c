package io.jingress.jetty.testing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * A mirror for tests of {@code mirror-target} on 127.0.0.1, port 0: it records each request it
 * receives, body and all ({@link #next}), then answers as it was made to: 200, 500, or (held) not
 * until {@link #release()}, without holding a thread meanwhile.
 */
public final class MirrorServer implements AutoCloseable {
    /** How the mirror answers. */
    public enum Answer { OK, ERROR, HELD }

    /** One request the mirror received. */
    public record Seen(String method, String pathQuery, HttpFields headers, String body) {
        public String header(String name) {
            return headers.get(name);
        }
    }

    private final Server server = new Server();
    private final ServerConnector connector = new ServerConnector(server, 1, 1);
    private final BlockingQueue<Seen> seen = new LinkedBlockingQueue<>();
    private final CompletableFuture<Void> released = new CompletableFuture<>();

    public MirrorServer(Answer answer) {
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                Content.Source.asString(request, StandardCharsets.UTF_8, new org.eclipse.jetty.util.Promise<>() {
                    @Override
                    public void succeeded(String body) {
                        seen.add(new Seen(request.getMethod(), request.getHttpURI().getPathQuery(),
                                HttpFields.build(request.getHeaders()).asImmutable(), body));
                        if (answer == Answer.HELD) {
                            released.thenRun(() -> respond(response, 200, callback));
                        } else {
                            respond(response, answer == Answer.OK ? 200 : 500, callback);
                        }
                    }

                    @Override
                    public void failed(Throwable failure) {
                        callback.failed(failure);
                    }
                });
                return true;
            }
        });
        try {
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void respond(Response response, int status, Callback callback) {
        response.setStatus(status);
        response.write(true, ByteBuffer.wrap(("mirror " + status).getBytes(StandardCharsets.US_ASCII)), callback);
    }

    public int port() {
        return connector.getLocalPort();
    }

    /** {@code http://127.0.0.1:port} followed by {@code rest}. */
    public String url(String rest) {
        return "http://127.0.0.1:" + port() + rest;
    }

    /** The next request received, waiting up to 20 s; null when none came. */
    public Seen next() throws InterruptedException {
        return seen.poll(20, TimeUnit.SECONDS);
    }

    /** Lets held answers go. */
    public void release() {
        released.complete(null);
    }

    @Override
    public void close() {
        release();
        try {
            server.stop();
        } catch (Exception ignored) {
            // stopping a test server
        }
    }
}
