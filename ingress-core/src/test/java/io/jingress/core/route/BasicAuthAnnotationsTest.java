package io.jingress.core.route;

import io.jingress.core.lb.Balancers;
import io.jingress.core.model.ClusterState;
import io.jingress.core.model.Ingress;
import io.jingress.core.model.OpaqueSecret;
import io.jingress.core.model.Problem;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.jingress.core.model.HttpIngressPath.prefix;
import static io.jingress.core.route.Fixtures.backend;
import static io.jingress.core.route.Fixtures.rule;
import static io.jingress.core.route.Fixtures.service;
import static io.jingress.core.route.Fixtures.slice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** auth-type, auth-secret, auth-secret-type, auth-realm: reading, the Secret, and the credentials checked. */
class BasicAuthAnnotationsTest {
    private static final String NGINX = "nginx.ingress.kubernetes.io/";
    // htpasswd -nbm dave 'correct horse'
    private static final String DAVE = "dave:$apr1$ZExGCCSP$i9Q.XSQrkubb2ZHIF7bar/";
    // htpasswd -nbB -C 4 bob 'battery staple'
    private static final String BOB = "bob:$2y$04$5PUO9uhOZ4R/r0EeBJTwUeaPe8rn8ndIGvUxb0aU2RH3.uUEuaYh.";

    private final RouteCompiler compiler = RouteCompiler.create(Balancers.create());

    private static Ingress ingress(String name, String host, String... nameValues) {
        Map<String, String> annotations = new LinkedHashMap<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            annotations.put(nameValues[i].contains("/") ? nameValues[i] : NGINX + nameValues[i], nameValues[i + 1]);
        }
        Ingress.Builder builder = Ingress.builder("default", name).creationTimestamp(Instant.ofEpochSecond(1))
                .rule(rule(host, prefix("/", backend("web"))));
        annotations.forEach(builder::annotation);
        return builder.build();
    }

    private static OpaqueSecret secret(String name, Map<String, String> data) {
        return new OpaqueSecret("default", name, data);
    }

    private RouteTable compile(List<Ingress> ingresses, OpaqueSecret... secrets) {
        ClusterState.Builder state = ClusterState.builder().service(service("web")).endpointSlice(slice("web", "10.0.0.1"));
        ingresses.forEach(state::ingress);
        for (OpaqueSecret secret : secrets) {
            state.opaqueSecret(secret);
        }
        return compiler.compile(state.build());
    }

    private static BasicAuth authOf(RouteTable table, String host) {
        return ((Route) table.match(host, "/")).policy().basicAuth();
    }

    private static List<String> warnings(RouteTable table, String ingress) {
        return table.problems().stream().filter(p -> p.object().equals("default/" + ingress))
                .map(Problem::message).toList();
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anHtpasswdSecretLetsItsUsersInAndNoOneElse() {
        RouteTable table = compile(List.of(ingress("shop", "shop.example", "auth-type", "basic", "auth-secret", "users",
                "auth-realm", "Shop staff")), secret("users", Map.of("auth", "# staff\n" + DAVE + "\n" + BOB + "\n")));

        BasicAuth auth = authOf(table, "shop.example");
        assertEquals(List.of(), warnings(table, "shop"));
        assertFalse(auth.refusesEveryRequest());
        assertEquals("Basic realm=\"Shop staff\"", auth.challenge());
        assertEquals(BasicAuth.Verdict.ALLOWED, auth.check(basic("dave", "correct horse")));
        assertEquals(BasicAuth.Verdict.REFUSED, auth.check(basic("dave", "wrong")));
        assertEquals(BasicAuth.Verdict.REFUSED, auth.check(basic("mallory", "correct horse")));
        assertEquals(BasicAuth.Verdict.REFUSED, auth.check(null));
        assertEquals(BasicAuth.Verdict.REFUSED, auth.check("Bearer abc"));
        assertEquals(BasicAuth.Verdict.REFUSED, auth.check("Basic not-base64!"));
        assertEquals(BasicAuth.Verdict.REFUSED, auth.check("Basic " + Base64.getEncoder().encodeToString("dave".getBytes())));
        assertEquals(BasicAuth.Verdict.ALLOWED, auth.check("basic  " + basic("dave", "correct horse").substring(6)));
        assertEquals(List.of("basic auth, realm \"Shop staff\", 2 users from Secret default/users"),
                ((Route) table.match("shop.example", "/")).policy().describe());
    }

    @Test
    void aBcryptUserIsCheckedOnceThenRememberedWhileTheSecretStaysTheSame() {
        OpaqueSecret users = secret("users", Map.of("auth", BOB + "\n"));
        Ingress shop = ingress("shop", "shop.example", "auth-type", "basic", "auth-secret", "users");
        BasicAuth auth = authOf(compile(List.of(shop), users), "shop.example");

        assertEquals(BasicAuth.Verdict.UNCHECKED, auth.check(basic("bob", "battery staple")));
        assertFalse(auth.verify(basic("bob", "wrong")));
        assertEquals(BasicAuth.Verdict.UNCHECKED, auth.check(basic("bob", "wrong")));  // a refusal is not remembered
        assertTrue(auth.verify(basic("bob", "battery staple")));
        assertEquals(BasicAuth.Verdict.ALLOWED, auth.check(basic("bob", "battery staple")));

        // a table rebuilt from the same Secret remembers; a changed Secret does not
        assertEquals(BasicAuth.Verdict.ALLOWED, authOf(compile(List.of(shop), users), "shop.example")
                .check(basic("bob", "battery staple")));
        BasicAuth changed = authOf(compile(List.of(shop), secret("users", Map.of("auth", BOB + "\n" + DAVE))), "shop.example");
        assertEquals(BasicAuth.Verdict.UNCHECKED, changed.check(basic("bob", "battery staple")));
    }

    @Test
    void anAuthMapSecretHasAUserPerKey() {
        RouteTable table = compile(List.of(ingress("shop", "shop.example", "auth-type", "basic", "auth-secret", "users",
                "auth-secret-type", "auth-map")), secret("users", Map.of("dave", DAVE.substring(5))));

        assertEquals(BasicAuth.Verdict.ALLOWED, authOf(table, "shop.example").check(basic("dave", "correct horse")));
        assertEquals("", authOf(table, "shop.example").realm());
        assertEquals("Basic realm=\"\"", authOf(table, "shop.example").challenge());  // ingress-nginx's auth_basic "" too
    }

    @Test
    void whatCannotBeDoneAsAskedRefusesEveryRequestOfThatIngressOnly() {
        OpaqueSecret users = secret("users", Map.of("auth", DAVE));
        OpaqueSecret noAuthKey = secret("nokey", Map.of("htpasswd", DAVE));
        RouteTable table = compile(List.of(
                ingress("digest", "digest.example", "auth-type", "digest", "auth-secret", "users"),
                ingress("missing", "missing.example", "auth-type", "basic", "auth-secret", "gone"),
                ingress("nokey", "nokey.example", "auth-type", "basic", "auth-secret", "nokey"),
                ingress("other", "other.example", "auth-type", "basic", "auth-secret", "kube-system/users"),
                ingress("none", "none.example", "auth-type", "basic"),
                ingress("kind", "kind.example", "auth-type", "basic", "auth-secret", "users", "auth-secret-type", "auth-list"),
                ingress("typo", "typo.example", "auth-type", "basix", "auth-secret", "users"),
                ingress("notype", "notype.example", "auth-secret", "users"),
                ingress("open", "open.example")), users, noAuthKey);

        for (String host : List.of("digest", "missing", "nokey", "other", "none", "kind", "typo", "notype")) {
            BasicAuth auth = authOf(table, host + ".example");
            assertTrue(auth.refusesEveryRequest(), host);
            assertEquals(BasicAuth.Verdict.REFUSED, auth.check(basic("dave", "correct horse")), host);
        }
        assertNull(authOf(table, "open.example"));
        assertEquals(List.of("nginx.ingress.kubernetes.io/auth-type: \"digest\": digest authentication is not supported by"
                + " Jingress; every request is refused (503) until it is basic"), warnings(table, "digest"));
        assertEquals(List.of("nginx.ingress.kubernetes.io/auth-secret: \"gone\": there is no Opaque Secret default/gone;"
                + " every request is refused (503) until there is"), warnings(table, "missing"));
        assertEquals(List.of("nginx.ingress.kubernetes.io/auth-secret: \"nokey\": the Secret default/nokey has no key \"auth\""
                + " (the htpasswd file of auth-secret-type auth-file); every request is refused (503)"), warnings(table, "nokey"));
        assertTrue(warnings(table, "other").get(0).contains("names a Secret of another namespace"), warnings(table, "other").toString());
        assertTrue(warnings(table, "none").get(0).contains("names no Secret"));
        assertTrue(warnings(table, "kind").get(0).contains("is neither auth-file nor auth-map"));
        assertTrue(warnings(table, "typo").get(0).contains("is neither basic nor digest"));
        assertTrue(warnings(table, "notype").get(0).contains("is set without auth-type"));
        assertEquals(List.of("every request refused (503): Secret default/gone not found"),
                ((Route) table.match("missing.example", "/")).policy().describe());
    }

    @Test
    void aSecretWithoutAUserWhoCanLogInRefusesEveryoneWith401AndSaysSo() {
        RouteTable table = compile(List.of(ingress("shop", "shop.example", "auth-type", "basic", "auth-secret", "users")),
                secret("users", Map.of("auth", "# nobody yet\n")));

        BasicAuth auth = authOf(table, "shop.example");
        assertFalse(auth.refusesEveryRequest());
        assertEquals(BasicAuth.Verdict.REFUSED, auth.check(basic("dave", "correct horse")));
        assertEquals(List.of("nginx.ingress.kubernetes.io/auth-secret: \"users\": the Secret default/users has no user who can"
                + " log in; every request is answered 401"), warnings(table, "shop"));
    }

    @Test
    void aSecretNamedWithItsOwnNamespaceIsRead() {
        RouteTable table = compile(List.of(ingress("shop", "shop.example", "auth-type", "basic", "auth-secret", "default/users")),
                secret("users", Map.of("auth", DAVE)));

        assertEquals(BasicAuth.Verdict.ALLOWED, authOf(table, "shop.example").check(basic("dave", "correct horse")));
    }

    @Test
    void anUnreadableHashIsAWarningNamingTheSecretAndUserAndCostsThatUserOnly() {
        RouteTable table = compile(List.of(ingress("shop", "shop.example", "auth-type", "basic", "auth-secret", "users")),
                secret("users", Map.of("auth", DAVE + "\nerin:plain\n")));

        assertEquals(List.of("nginx.ingress.kubernetes.io/auth-secret: \"users\": Secret default/users key \"auth\", line 2"
                + " (user \"erin\"): the password hash is in no format Jingress reads ($apr1$, $1$, $5$, $6$, $2a$, $2b$, $2y$,"
                + " {SHA}, {SSHA} or {PLAIN}); this user cannot log in"), warnings(table, "shop"));
        BasicAuth auth = authOf(table, "shop.example");
        assertEquals(BasicAuth.Verdict.ALLOWED, auth.check(basic("dave", "correct horse")));
        assertEquals(BasicAuth.Verdict.REFUSED, auth.check(basic("erin", "plain")));
        assertEquals(1, auth.users());
    }

    @Test
    void aRealmIsQuotedAndOneThatCannotBeSentIsEmpty() {
        OpaqueSecret users = secret("users", Map.of("auth", DAVE));
        RouteTable table = compile(List.of(
                ingress("quoted", "quoted.example", "auth-type", "basic", "auth-secret", "users", "auth-realm", "say \"hi\""),
                ingress("bad", "bad.example", "auth-type", "basic", "auth-secret", "users", "auth-realm", "caf\u00e9\r\n")), users);

        assertEquals("Basic realm=\"say \\\"hi\\\"\"", authOf(table, "quoted.example").challenge());
        assertEquals("Basic realm=\"\"", authOf(table, "bad.example").challenge());
        assertTrue(warnings(table, "bad").get(0).contains("cannot go in a WWW-Authenticate header"));
    }

    @Test
    void aRealmOrSecretTypeAloneAsksNothingAndSaysSo() {
        RouteAnnotations.Parsed parsed = RouteAnnotations.parse(Map.of(NGINX + "auth-realm", "x"));

        assertSame(RoutePolicy.NONE, parsed.policy());
        assertEquals(List.of("nginx.ingress.kubernetes.io/auth-realm: \"x\" has no effect without auth-type"), parsed.problems());
    }

    @Test
    void oursWinsOverIngressNginxs() {
        RouteTable table = compile(List.of(ingress("shop", "shop.example", "auth-type", "digest",
                "jingress.io/auth-type", "basic", "auth-secret", "users")), secret("users", Map.of("auth", DAVE)));

        assertFalse(authOf(table, "shop.example").refusesEveryRequest());
    }
}
