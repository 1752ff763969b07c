package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.RawHttp;
import io.jingress.jetty.testing.TestRoutes;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code affinity-mode: balanced} through {@link IngressServer}, with real backends: a scale-up
 * moves about the share of sessions the new endpoint should take, and only to it; without a
 * change no session moves; a removed endpoint's sessions spread over the others; with
 * {@code persistent}, a scale-up moves none. Sessions are made and replayed on the lean HTTP/1
 * path (one keep-alive connection) and replayed over HTTP/2 with TLS.
 */
class BalancedAffinityEndToEndTest {
    private static final String NGINX = "nginx.ingress.kubernetes.io/";
    private static final int SESSIONS = 600;

    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    private IngressServer proxy(TestRoutes routes) {
        return proxies.start(IngressServer.builder(routes.router()).httpsBindAddress("127.0.0.1").httpsPort(0));
    }

    private static Map<String, String> affinity(String mode) {
        return Map.of(NGINX + "affinity", "cookie", NGINX + "affinity-mode", mode);
    }

    /** Requests over one HTTP/1.1 keep-alive connection to the proxy. */
    private static final class KeepAlive implements AutoCloseable {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;

        KeepAlive(int port) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setSoTimeout(10_000);
            out = socket.getOutputStream();
            in = socket.getInputStream();
        }

        /** The head of the answer to GET / (the echo's body read and dropped). */
        String get(String cookie) throws IOException {
            String request = "GET / HTTP/1.1\r\nHost: app.test\r\n" + (cookie == null ? "" : "Cookie: " + cookie + "\r\n")
                    + "\r\n";
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String head = RawHttp.readHead(in);
            assertEquals(200, RawHttp.status(head), head);
            String length = RawHttp.header(head, "Content-Length");
            assertNotNull(length, head);
            in.readNBytes(Integer.parseInt(length));
            return head;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** New sessions: the cookie pair ({@code NAME=VALUE}) each was given, to the backend that answered. */
    private static Map<String, String> newSessions(KeepAlive connection) throws IOException {
        Map<String, String> sessions = new LinkedHashMap<>();
        for (int i = 0; i < SESSIONS; i++) {
            String head = connection.get(null);
            String setCookie = RawHttp.header(head, "Set-Cookie");
            assertNotNull(setCookie, head);
            sessions.put(setCookie.substring(0, setCookie.indexOf(';')), RawHttp.header(head, "X-Backend"));
        }
        assertEquals(SESSIONS, sessions.size(), "each session has its own cookie");
        return sessions;
    }

    /** Where each session is served now, on the lean HTTP/1 path; none is given a new cookie. */
    private static Map<String, String> replayed(KeepAlive connection, Map<String, String> sessions) throws IOException {
        Map<String, String> now = new LinkedHashMap<>();
        for (String cookie : sessions.keySet()) {
            String head = connection.get("theme=dark; " + cookie);
            assertNull(RawHttp.header(head, "Set-Cookie"), "a session keeps its cookie: " + head);
            now.put(cookie, RawHttp.header(head, "X-Backend"));
        }
        return now;
    }

    /** As {@link #replayed}, over HTTP/2 with TLS (Jetty's path). */
    private Map<String, String> replayedOverHttp2(IngressServer proxy, Map<String, String> sessions) throws Exception {
        Map<String, String> now = new LinkedHashMap<>();
        for (String cookie : sessions.keySet()) {
            ContentResponse response = proxies.http2Client().newRequest("https://app.test:" + proxy.httpsPort() + "/")
                    .headers(h -> h.put(HttpHeader.COOKIE, cookie)).timeout(10, TimeUnit.SECONDS).send();
            assertEquals(HttpVersion.HTTP_2, response.getVersion());
            assertEquals(200, response.getStatus());
            assertNull(response.getHeaders().get(HttpHeader.SET_COOKIE), "a session keeps its cookie");
            now.put(cookie, response.getHeaders().get("X-Backend"));
        }
        return now;
    }

    private static int moved(Map<String, String> before, Map<String, String> after) {
        int moved = 0;
        for (Map.Entry<String, String> session : before.entrySet()) {
            moved += session.getValue().equals(after.get(session.getKey())) ? 0 : 1;
        }
        return moved;
    }

    @Test
    void aScaleUpFromTwoToThreeMovesAboutAThirdOfTheSessionsToTheNewEndpointOnBothPaths() throws Exception {
        Backends.Echo a = backends.start("a");
        Backends.Echo b = backends.start("b");
        Backends.Echo c = backends.start("c");
        TestRoutes routes = TestRoutes.create().route("app.test", "/", "app", affinity("balanced"), a.port(), b.port());
        IngressServer proxy = proxy(routes);
        try (KeepAlive connection = new KeepAlive(proxy.httpPort())) {
            Map<String, String> sessions = newSessions(connection);
            assertEquals(sessions, replayed(connection, sessions), "without a change no session moves");
            assertEquals(sessions, replayedOverHttp2(proxy, sessions), "without a change no session moves (HTTP/2)");

            routes.addEndpoint("app", c.port());

            Map<String, String> now = replayed(connection, sessions);
            assertEquals(now, replayedOverHttp2(proxy, sessions), "both paths place a session alike");
            for (Map.Entry<String, String> session : sessions.entrySet()) {
                String after = now.get(session.getKey());
                assertTrue(after.equals(session.getValue()) || after.equals("c"),
                        "a session moves only to the new endpoint: " + session + " -> " + after);
            }
            int moved = moved(sessions, now);
            assertTrue(moved > SESSIONS * 0.20 && moved < SESSIONS * 0.45, moved + " of " + SESSIONS + " sessions moved");
            assertEquals(now, replayed(connection, sessions), "after the scale-up the sessions stay");
        }
    }

    @Test
    void aRemovedEndpointsSessionsSpreadOverTheOthersAndNoOtherSessionMoves() throws Exception {
        Backends.Echo a = backends.start("a");
        Backends.Echo b = backends.start("b");
        Backends.Echo c = backends.start("c");
        Backends.Echo d = backends.start("d");
        TestRoutes routes = TestRoutes.create().route("app.test", "/", "app", affinity("balanced"),
                a.port(), b.port(), c.port(), d.port());
        IngressServer proxy = proxy(routes);
        try (KeepAlive connection = new KeepAlive(proxy.httpPort())) {
            Map<String, String> sessions = newSessions(connection);

            routes.removeEndpoint("app", d.port());

            Map<String, String> now = replayed(connection, sessions);
            assertEquals(now, replayedOverHttp2(proxy, sessions));
            Map<String, Integer> orphansTo = new LinkedHashMap<>();
            int orphans = 0;
            for (Map.Entry<String, String> session : sessions.entrySet()) {
                if (session.getValue().equals("d")) {
                    orphans++;
                    orphansTo.merge(now.get(session.getKey()), 1, Integer::sum);
                } else {
                    assertEquals(session.getValue(), now.get(session.getKey()), "a session whose endpoint stays, stays");
                }
            }
            assertTrue(orphans > 60, "d had " + orphans + " sessions");
            for (String left : new String[] {"a", "b", "c"}) {
                int took = orphansTo.getOrDefault(left, 0);
                assertTrue(took > orphans * 0.12 && took < orphans * 0.6, left + " took " + took + " of " + orphans);
            }
        }
    }

    @Test
    void persistentMovesNoSessionOnAScaleUp() throws Exception {
        Backends.Echo a = backends.start("a");
        Backends.Echo b = backends.start("b");
        Backends.Echo c = backends.start("c");
        TestRoutes routes = TestRoutes.create().route("app.test", "/", "app", affinity("persistent"), a.port(), b.port());
        IngressServer proxy = proxy(routes);
        try (KeepAlive connection = new KeepAlive(proxy.httpPort())) {
            Map<String, String> sessions = new LinkedHashMap<>();
            for (int i = 0; i < 60; i++) {  // persistent: one cookie per endpoint
                String head = connection.get(null);
                String setCookie = RawHttp.header(head, "Set-Cookie");
                sessions.put(setCookie.substring(0, setCookie.indexOf(';')), RawHttp.header(head, "X-Backend"));
            }
            assertEquals(2, sessions.size());

            routes.addEndpoint("app", c.port());

            assertEquals(sessions, replayed(connection, sessions));
            assertEquals(sessions, replayedOverHttp2(proxy, sessions));
        }
    }
}
