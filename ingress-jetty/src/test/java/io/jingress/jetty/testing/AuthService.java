package io.jingress.jetty.testing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
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
 * An external authentication service (as oauth2-proxy's {@code /oauth2/auth}) on 127.0.0.1, port 0,
 * for tests of {@code auth-url}. It answers by what the request carries:
 * <ul>
 *   <li>a cookie {@code session=ok}: 200 with {@code X-Auth-Request-User: alice},
 *       {@code X-Auth-Request-Email: alice@example.com} and {@code Set-Cookie: session=renewed; Path=/};</li>
 *   <li>{@code X-Test-Auth: forbidden}: 403; {@code broken}: 500; {@code redirect}: 302;
 *       {@code slow}: no answer until {@link #close()};</li>
 *   <li>else 401 with {@code WWW-Authenticate: Bearer realm="test"} and {@code Set-Cookie: csrf=1; Path=/}.</li>
 * </ul>
 * Every answer has a short body. It records the requests it received ({@link #seen()}).
 */
public final class AuthService implements AutoCloseable {
    /** One request the service received: its method, target, headers, and how many body bytes came. */
    public record Seen(String method, String pathQuery, HttpFields headers, long bodyLength) {
        public String header(String name) {
            return headers.get(name);
        }
    }

    private final Server server = new Server();
    private final ServerConnector connector = new ServerConnector(server, 1, 1);
    private final ConcurrentLinkedDeque<Seen> seen = new ConcurrentLinkedDeque<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch slowArrived = new CountDownLatch(1);

    public AuthService() {
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                byte[] body = Content.Source.asByteBuffer(request).array();
                seen.add(new Seen(request.getMethod(), request.getHttpURI().getPathQuery(),
                        HttpFields.build(request.getHeaders()).asImmutable(), body.length));
                String test = request.getHeaders().get("X-Test-Auth");
                String cookie = request.getHeaders().get("Cookie");
                HttpFields.Mutable headers = response.getHeaders();
                int status;
                if ("slow".equals(test)) {
                    slowArrived.countDown();
                    release.await(30, TimeUnit.SECONDS);
                    status = 200;
                } else if ("forbidden".equals(test)) {
                    status = 403;
                } else if ("broken".equals(test)) {
                    status = 500;
                } else if ("redirect".equals(test)) {
                    status = 302;
                    headers.put("Location", "http://elsewhere.test/");
                } else if (cookie != null && cookie.contains("session=ok")) {
                    status = 200;
                    headers.put("X-Auth-Request-User", "alice");
                    headers.put("X-Auth-Request-Email", "alice@example.com");
                    headers.add("Set-Cookie", "session=renewed; Path=/");
                } else {
                    status = 401;
                    headers.put("WWW-Authenticate", "Bearer realm=\"test\"");
                    headers.add("Set-Cookie", "csrf=1; Path=/");
                }
                response.setStatus(status);
                response.write(true, ByteBuffer.wrap(("auth says " + status).getBytes(StandardCharsets.US_ASCII)), callback);
                return true;
            }
        });
        try {
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException("auth service did not start", e);
        }
    }

    public int port() {
        return connector.getLocalPort();
    }

    /** {@code http://127.0.0.1:PORT} + {@code path}. */
    public String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    public List<Seen> seen() {
        return List.copyOf(seen);
    }

    public Seen last() {
        return seen.peekLast();
    }

    /** Whether a {@code slow} request arrived within the time. */
    public boolean awaitSlow(long timeout, TimeUnit unit) throws InterruptedException {
        return slowArrived.await(timeout, unit);
    }

    @Override
    public void close() {
        release.countDown();
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("auth service did not stop", e);
        }
    }
}
