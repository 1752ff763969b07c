package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import io.jingress.jetty.testing.AuthService;
import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.TestRoutes;
import io.jingress.jetty.testing.WireClient;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An Ingress with both {@code auth-type: basic} and {@code auth-url}: the password is checked first
 * (a bcrypt one on another thread, which then goes on), and only a user's request is put to the
 * auth service, whose answer then decides.
 */
class BasicAndExternalAuthTest {
    private static final String NGINX = "nginx.ingress.kubernetes.io/";
    // htpasswd -nbm dave 'correct horse'
    private static final String DAVE = "dave:$apr1$ZExGCCSP$i9Q.XSQrkubb2ZHIF7bar/";
    // htpasswd -nbB -C 10 alice 'correct horse'
    private static final String ALICE = "alice:$2y$10$pTIjnIyp98ogKO3t1hh6lOq488jlMkRiu580KLwuNuKXn.Ri1pekS";

    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    private final AuthService auth = new AuthService();

    @AfterEach
    void stopAuth() {
        auth.close();
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static String get(String authorization, String cookie) {
        return "GET /page HTTP/1.1\r\nHost: app.test\r\n"
                + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
                + (cookie == null ? "" : "Cookie: " + cookie + "\r\n") + "\r\n";
    }

    @Test
    void thePasswordIsCheckedFirstThenTheAuthServiceDecides() throws Exception {
        Backends.Echo app = backends.start("app");
        Map<String, String> annotations = Map.of(NGINX + "auth-type", "basic", NGINX + "auth-secret", "staff",
                NGINX + "auth-realm", "Staff only", NGINX + "auth-url", auth.url("/oauth2/auth"));
        IngressServer proxy = proxies.start(IngressServer.builder(TestRoutes.create()
                .opaqueSecret("staff", Map.of("auth", DAVE + "\n" + ALICE + "\n"))
                .route("app.test", "/", "app", annotations, app.port()).router()));

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            WireClient.Response noPassword = client.exchange(get(null, "session=ok"));
            assertEquals(401, noPassword.status(), noPassword.toString());
            assertEquals("Basic realm=\"Staff only\"", noPassword.header("WWW-Authenticate"));
            assertEquals(0, auth.seen().size(), "a request without a user's password is not put to the auth service");

            // alice's bcrypt hash is checked on another thread, which goes on to the auth service
            WireClient.Response bcryptNoSession = client.exchange(get(basic("alice", "correct horse"), null));
            assertEquals(401, bcryptNoSession.status(), bcryptNoSession.toString());
            assertEquals("Bearer realm=\"test\"", bcryptNoSession.header("WWW-Authenticate"), "the auth service's answer");
            assertEquals(1, auth.seen().size());

            WireClient.Response bcryptSession = client.exchange(get(basic("alice", "correct horse"), "session=ok"));
            assertEquals(200, bcryptSession.status(), bcryptSession.toString());
            WireClient.Response apr1Session = client.exchange(get(basic("dave", "correct horse"), "session=ok"));
            assertEquals(200, apr1Session.status(), apr1Session.toString());
            assertEquals(3, auth.seen().size());
        }
        assertEquals(2, app.requests());
    }
}
