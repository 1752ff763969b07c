package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
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
 * {@code satisfy: "any"}: a client the allowlist admits (the test client is 127.0.0.1) is let in
 * without authentication; any other must authenticate, by password or by the auth service; and
 * {@code "all"}, the default and what a bad value gives, asks both, as before.
 */
class SatisfyAnyTest {
    private static final String NGINX = "nginx.ingress.kubernetes.io/";
    // htpasswd -nbm dave 'correct horse'
    private static final String DAVE = "dave:$apr1$ZExGCCSP$i9Q.XSQrkubb2ZHIF7bar/";
    private static final String INSIDE = "127.0.0.0/8";
    private static final String OUTSIDE = "10.0.0.0/8";

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

    private static String get(String host, String authorization, String cookie) {
        return "GET /page HTTP/1.1\r\nHost: " + host + "\r\n"
                + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
                + (cookie == null ? "" : "Cookie: " + cookie + "\r\n") + "\r\n";
    }

    private static Map<String, String> basicAuth(String... more) {
        Map<String, String> annotations = new HashMap<>(Map.of(NGINX + "auth-type", "basic", NGINX + "auth-secret", "staff",
                NGINX + "auth-realm", "Staff only"));
        for (int i = 0; i < more.length; i += 2) {
            annotations.put(NGINX + more[i], more[i + 1]);
        }
        return annotations;
    }

    private IngressServer proxy(TestRoutes routes) throws Exception {
        return proxies.start(IngressServer.builder(routes.opaqueSecret("staff", Map.of("auth", DAVE + "\n")).router()));
    }

    @Test
    void anAllowlistedClientWithoutCredentialsIsLetInAndOthersMustAuthenticate() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxy(TestRoutes.create()
                .route("inside.test", "/", "app", basicAuth("satisfy", "any", "allowlist-source-range", INSIDE), app.port())
                .route("outside.test", "/", "app", basicAuth("satisfy", "any", "whitelist-source-range", OUTSIDE), app.port()));

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            WireClient.Response inside = client.exchange(get("inside.test", null, null));
            assertEquals(200, inside.status(), inside.toString());
            assertEquals(1, app.requests());
            WireClient.Response insideWithWrongPassword = client.exchange(get("inside.test", basic("dave", "wrong"), null));
            assertEquals(200, insideWithWrongPassword.status(), "its credentials are not even checked");
            assertNull(app.lastRequest().header("Authorization"), "nor passed on, as with basic auth under all");
            assertEquals(2, app.requests());

            WireClient.Response noPassword = client.exchange(get("outside.test", null, null));
            assertEquals(401, noPassword.status(), "the authentication's 401 over the address's 403: " + noPassword);
            assertEquals("Basic realm=\"Staff only\"", noPassword.header("WWW-Authenticate"));
            WireClient.Response wrongPassword = client.exchange(get("outside.test", basic("dave", "wrong"), null));
            assertEquals(401, wrongPassword.status(), wrongPassword.toString());
            assertEquals(2, app.requests());

            WireClient.Response user = client.exchange(get("outside.test", basic("dave", "correct horse"), null));
            assertEquals(200, user.status(), user.toString());
            assertEquals(3, app.requests());
        }
    }

    @Test
    void withExternalAuthenticationAnAllowlistedClientIsNotPutToTheAuthService() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxy(TestRoutes.create()
                .route("inside.test", "/", "app", Map.of(NGINX + "auth-url", auth.url("/oauth2/auth"),
                        NGINX + "auth-response-headers", "X-Auth-Request-User",
                        NGINX + "satisfy", "any", NGINX + "allowlist-source-range", INSIDE), app.port())
                .route("outside.test", "/", "app", Map.of(NGINX + "auth-url", auth.url("/oauth2/auth"),
                        NGINX + "satisfy", "any", NGINX + "allowlist-source-range", OUTSIDE), app.port()));

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            WireClient.Response inside = client.exchange("GET /page HTTP/1.1\r\nHost: inside.test\r\n"
                    + "X-Auth-Request-User: admin\r\n\r\n");
            assertEquals(200, inside.status(), inside.toString());
            assertEquals(0, auth.seen().size());
            assertNull(app.lastRequest().header("X-Auth-Request-User"),
                    "a header the auth service would vouch for is not taken from the client");

            WireClient.Response noSession = client.exchange(get("outside.test", null, null));
            assertEquals(401, noSession.status(), noSession.toString());
            assertEquals("Bearer realm=\"test\"", noSession.header("WWW-Authenticate"), "the auth service's answer");
            WireClient.Response session = client.exchange(get("outside.test", null, "session=ok"));
            assertEquals(200, session.status(), session.toString());
            assertEquals(2, auth.seen().size());
        }
        assertEquals(2, app.requests());
    }

    @Test
    void aDeniedAddressIsLetInOnceItAuthenticatesAsInNginx() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxy(TestRoutes.create()
                .route("denied.test", "/", "app", basicAuth("satisfy", "any", "allowlist-source-range", INSIDE,
                        "denylist-source-range", "127.0.0.1/32"), app.port())
                .route("deny-only.test", "/", "app", basicAuth("satisfy", "any", "denylist-source-range", OUTSIDE), app.port()));

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            assertEquals(401, client.exchange(get("denied.test", null, null)).status(), "denied within the allowlist");
            assertEquals(200, client.exchange(get("denied.test", basic("dave", "correct horse"), null)).status());
            assertEquals(401, client.exchange(get("deny-only.test", null, null)).status(),
                    "not denied is not let in: only an allowlist range lets a client skip authentication");
            assertEquals(200, client.exchange(get("deny-only.test", basic("dave", "correct horse"), null)).status());
        }
        assertEquals(2, app.requests());
    }

    @Test
    void withoutAuthenticationAnyStillRefusesAddressesOutsideTheAllowlist() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxy(TestRoutes.create()
                .route("outside.test", "/", "app", Map.of(NGINX + "satisfy", "any", NGINX + "allowlist-source-range", OUTSIDE),
                        app.port())
                .route("broken.test", "/", "app", basicAuth("satisfy", "any", "denylist-source-range", "10.0.0.0/8,nonsense"),
                        app.port()));

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            assertEquals(403, client.exchange(get("outside.test", null, null)).status());
            assertEquals(403, client.exchange(get("broken.test", basic("dave", "correct horse"), null)).status(),
                    "a denylist that cannot be read refuses everyone, authenticated or not");
        }
        assertEquals(0, app.requests());
    }

    @Test
    void anAuthenticationThatCannotBeDoneStillRefusesEveryClientTheAllowlistDoesNotAdmit() throws Exception {
        Backends.Echo app = backends.start("app");
        Map<String, String> missingSecret = Map.of(NGINX + "auth-type", "basic", NGINX + "auth-secret", "nobody",
                NGINX + "satisfy", "any");
        IngressServer proxy = proxy(TestRoutes.create()
                .route("inside.test", "/", "app", with(missingSecret, NGINX + "allowlist-source-range", INSIDE), app.port())
                .route("outside.test", "/", "app", with(missingSecret, NGINX + "allowlist-source-range", OUTSIDE),
                        app.port()));

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            assertEquals(200, client.exchange(get("inside.test", null, null)).status(),
                    "an allowlisted client never needed the authentication");
            assertEquals(503, client.exchange(get("outside.test", basic("dave", "correct horse"), null)).status());
        }
        assertEquals(1, app.requests());
    }

    private static Map<String, String> with(Map<String, String> annotations, String name, String value) {
        Map<String, String> more = new HashMap<>(annotations);
        more.put(name, value);
        return more;
    }

    @Test
    void allAndABadValueAskForBothTheAddressAndTheCredentials() throws Exception {
        Backends.Echo app = backends.start("app");
        IngressServer proxy = proxy(TestRoutes.create()
                .route("all-inside.test", "/", "app", basicAuth("satisfy", "all", "allowlist-source-range", INSIDE), app.port())
                .route("all-outside.test", "/", "app", basicAuth("satisfy", "all", "allowlist-source-range", OUTSIDE), app.port())
                .route("bad-inside.test", "/", "app", basicAuth("satisfy", "ANY", "allowlist-source-range", INSIDE), app.port())
                .route("bad-outside.test", "/", "app", basicAuth("satisfy", "either", "allowlist-source-range", OUTSIDE),
                        app.port()));

        try (WireClient client = WireClient.connect(proxy.httpPort())) {
            for (String kind : new String[] {"all", "bad"}) {
                assertEquals(401, client.exchange(get(kind + "-inside.test", null, null)).status(), kind);
                assertEquals(200, client.exchange(get(kind + "-inside.test", basic("dave", "correct horse"), null)).status(), kind);
                assertEquals(403, client.exchange(get(kind + "-outside.test", basic("dave", "correct horse"), null)).status(), kind);
            }
        }
        assertEquals(2, app.requests());
    }
}
