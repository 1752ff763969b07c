package io.jingress.core.route;

import static io.jingress.core.model.HttpIngressPath.exact;
import static io.jingress.core.model.HttpIngressPath.prefix;
import static io.jingress.core.route.Fixtures.backend;
import static io.jingress.core.route.Fixtures.rule;
import static io.jingress.core.route.Fixtures.service;
import static io.jingress.core.route.Fixtures.slice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.core.lb.Balancers;
import io.jingress.core.model.ClusterState;
import io.jingress.core.model.ConfigMap;
import io.jingress.core.model.Ingress;
import io.jingress.core.model.IngressRule;
import io.jingress.core.model.Problem;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class ControllerConfigMapTest {
    private static final String NGINX = "nginx.ingress.kubernetes.io/";
    private static final String KEY = "ingress/jingress-controller";

    private static Ingress ingress(String name, String host, Map<String, String> annotations, IngressRule... more) {
        Ingress.Builder builder = Ingress.builder("default", name).creationTimestamp(Instant.ofEpochSecond(1))
                .rule(rule(host, prefix("/", backend("web")), exact("/.well-known/acme-challenge/token", backend("web"))));
        annotations.forEach(builder::annotation);
        for (IngressRule rule : more) {
            builder.rule(rule);
        }
        return builder.build();
    }

    private static RouteTable compile(Map<String, String> data, Ingress... ingresses) {
        ClusterState.Builder state = ClusterState.builder().service(service("web")).endpointSlice(slice("web", "10.0.0.1"))
                .service(service("canary")).endpointSlice(slice("canary", "10.0.0.2"));
        if (data != null) {
            state.configMap(new ConfigMap("ingress", "jingress-controller", data));
        }
        for (Ingress ingress : ingresses) {
            state.ingress(ingress);
        }
        return RouteCompiler.create(Balancers.create()).withConfigMap(KEY).compile(state.build());
    }

    private static Route route(RouteTable table, String host, String path) {
        return (Route) table.match(host, path);
    }

    private static List<Problem> problemsOf(RouteTable table, String kind) {
        return table.problems().stream().filter(p -> p.kind().equals(kind)).toList();
    }

    @Test
    void aKeyNamedAsAnAnnotationIsEveryIngresssDefaultAndAnIngresssOwnWins() {
        RouteTable table = compile(Map.of("proxy-read-timeout", "120", "proxy-body-size", "8m"),
                ingress("plain", "a.example.com", Map.of()),
                ingress("own", "b.example.com", Map.of(NGINX + "proxy-read-timeout", "5")));

        RoutePolicy plain = route(table, "a.example.com", "/x").policy();
        RoutePolicy own = route(table, "b.example.com", "/x").policy();
        assertEquals(120_000, plain.readTimeoutMillis());
        assertEquals(8L << 20, plain.maxRequestBodyBytes());
        assertEquals(5_000, own.readTimeoutMillis());
        assertEquals(8L << 20, own.maxRequestBodyBytes(), "the keys it does not set are still the ConfigMap's");
        assertEquals(Set.of("proxy-read-timeout", "proxy-body-size"), table.configMapDefaults("default/plain"));
        assertEquals(Set.of("proxy-body-size"), table.configMapDefaults("default/own"), "its own read timeout is its own");
        assertEquals(Set.of(), table.configMapDefaults("default/nobody"));
        assertEquals(List.of(), table.problems());
    }

    @Test
    void aWhitelistDefaultGivesWayToAnIngresssAllowlistUnderEitherName() {
        RouteTable table = compile(Map.of("whitelist-source-range", "10.0.0.0/8"),
                ingress("plain", "a.example.com", Map.of()),
                ingress("own", "b.example.com", Map.of(NGINX + "allowlist-source-range", "192.168.0.0/16")));

        assertTrue(route(table, "a.example.com", "/").policy().clientAccess().admits(("10.1.2.3")));
        assertFalse(route(table, "a.example.com", "/").policy().clientAccess().admits(("192.168.1.1")));
        assertTrue(route(table, "b.example.com", "/").policy().clientAccess().admits(("192.168.1.1")));
        assertFalse(route(table, "b.example.com", "/").policy().clientAccess().admits(("10.1.2.3")));
        assertEquals(List.of(), table.problems(), "no \"both allowlist and whitelist\" problem");
    }

    @Test
    void aDenylistDefaultRefusesItsClientsOnEveryIngressWithoutItsOwn() {
        RouteTable table = compile(Map.of("denylist-source-range", "192.0.2.0/24"),
                ingress("plain", "a.example.com", Map.of()),
                ingress("own", "b.example.com", Map.of(NGINX + "denylist-source-range", "198.51.100.0/24")));

        assertFalse(route(table, "a.example.com", "/").policy().clientAccess().admits("192.0.2.9"));
        assertTrue(route(table, "a.example.com", "/").policy().clientAccess().admits("198.51.100.9"));
        assertTrue(route(table, "b.example.com", "/").policy().clientAccess().admits("192.0.2.9"), "its own wins");
        assertFalse(route(table, "b.example.com", "/").policy().clientAccess().admits("198.51.100.9"));
        assertEquals(List.of(), table.problems());
    }

    @Test
    void aValueThatCannotBeUsedIsOneWarningOnTheConfigMapKeyNotOneOnEveryIngress() {
        RouteTable table = compile(Map.of("proxy-read-timeout", "1m", "proxy-connect-timeout", "3"),
                ingress("one", "a.example.com", Map.of()), ingress("two", "b.example.com", Map.of()));

        assertEquals(List.of(Problem.warning("ConfigMap", KEY, "data[\"proxy-read-timeout\"]", "as every Ingress's"
                + " default: proxy-read-timeout: \"1m\" is not a whole number of seconds (ingress-nginx writes seconds"
                + " without a unit, such as \"60\"): the server's readTimeout applies")), table.problems());
        assertEquals(0, route(table, "a.example.com", "/").policy().readTimeoutMillis());
        assertEquals(3_000, route(table, "b.example.com", "/").policy().connectTimeoutMillis(), "the other keys apply");
    }

    @Test
    void theKeysNotReadAreOneWarningNamingThem() {
        RouteTable table = compile(Map.of("worker-processes", "4", "enable-brotli", "true", "load-balance", "ewma",
                "use-forwarded-headers", "true", "use-proxy-protocol", "true"), ingress("one", "a.example.com", Map.of()));

        assertEquals(List.of(Problem.warning("ConfigMap", KEY, "data",
                "not read by Jingress, so without effect: enable-brotli, worker-processes; set by a flag of the runtime"
                        + " instead: use-forwarded-headers (--trusted-proxies), use-proxy-protocol (--proxy-protocol)")),
                table.problems());
    }

    @Test
    void aMissingConfigMapIsAWarningAndIngressesAreServedWithTheDefaults() {
        RouteTable table = compile(null, ingress("one", "a.example.com", Map.of()));

        assertEquals(List.of(Problem.warning("ConfigMap", KEY, "", "the controller's ConfigMap (--configmap) is not"
                + " found: every setting has its default until it is created")), table.problems());
        assertEquals(0, route(table, "a.example.com", "/").policy().readTimeoutMillis());
    }

    @Test
    void aCanaryIngressTakesNoDefaultsAsItTakesItsMainRoutesSettings() {
        RouteTable table = compile(Map.of("proxy-read-timeout", "120"),
                ingress("main", "a.example.com", Map.of()),
                Ingress.builder("default", "canary").creationTimestamp(Instant.ofEpochSecond(2))
                        .annotation(NGINX + "canary", "true").annotation(NGINX + "canary-weight", "10")
                        .rule(rule("a.example.com", prefix("/", backend("canary")))).build());

        assertEquals(List.of(), table.problems(), "no \"has no effect on a canary Ingress\" for the defaults");
        assertEquals(120_000, route(table, "a.example.com", "/").policy().readTimeoutMillis());
    }

    @Test
    void globalAuthAuthenticatesEveryIngressWithoutItsOwnButTheAcmePathsAndThoseThatSwitchItOff() {
        RouteTable table = compile(Map.of("global-auth-url", "http://auth.example.com/check",
                        "global-auth-response-headers", "X-User"),
                ingress("plain", "a.example.com", Map.of(NGINX + "auth-response-headers", "X-Ignored")),
                ingress("own", "b.example.com", Map.of(NGINX + "auth-url", "http://own.example.com/")),
                ingress("off", "c.example.com", Map.of(NGINX + "enable-global-auth", "false")));

        ExternalAuth plain = route(table, "a.example.com", "/x").policy().externalAuth();
        assertEquals("http://auth.example.com/check", plain.url());
        assertEquals(List.of("X-User"), plain.responseHeaders(), "the global authentication whole");
        assertNull(route(table, "a.example.com", "/.well-known/acme-challenge/token").policy().externalAuth(),
                "no-auth-locations: ingress-nginx's default");
        assertEquals("http://own.example.com/", route(table, "b.example.com", "/").policy().externalAuth().url());
        assertNull(route(table, "c.example.com", "/").policy().externalAuth());
        assertEquals(List.of(), table.problems());
    }

    @Test
    void noAuthLocationsListsPathPrefixesAsWritten() {
        RouteTable table = compile(Map.of("global-auth-url", "http://auth.example.com/check",
                        "no-auth-locations", "/public, /health"),
                ingress("one", "a.example.com", Map.of(), rule("a.example.com", prefix("/public/docs", backend("web")))));

        assertNull(route(table, "a.example.com", "/public/docs/x").policy().externalAuth());
        assertNotNull(route(table, "a.example.com", "/.well-known/acme-challenge/token").policy().externalAuth(),
                "the list replaces the default");
        assertNotNull(route(table, "a.example.com", "/publicity").policy().externalAuth(), "matched by the path \"/\"");
    }

    @Test
    void aGlobalAuthUrlThatCannotBeUsedIsSaidOnceAndTheRoutesItCoversRefuse() {
        RouteTable table = compile(Map.of("global-auth-url", "not a url"),
                ingress("one", "a.example.com", Map.of()), ingress("two", "b.example.com", Map.of()));

        assertEquals(1, table.problems().size(), table.problems().toString());
        Problem problem = table.problems().get(0);
        assertEquals("data[\"global-auth-url\"]", problem.field());
        assertTrue(problem.message().startsWith("as the auth-* annotations of every Ingress without an auth-url of its"
                + " own: auth-url: \"not a url\""), problem.message());
        ExternalAuth auth = route(table, "b.example.com", "/").policy().externalAuth();
        assertFalse(auth.usable(), "never served without the authentication asked for");
    }

    @Test
    void globalAuthCompanionsWithoutAUrlAreWarnings() {
        RouteTable table = compile(Map.of("global-auth-method", "POST"), ingress("one", "a.example.com", Map.of()));

        assertEquals(List.of(Problem.warning("ConfigMap", KEY, "data[\"global-auth-method\"]",
                "has no effect without global-auth-url")), table.problems());
        assertNull(route(table, "a.example.com", "/").policy().externalAuth());
    }

    @Test
    void aForcedRedirectSkipsTheAcmeChallengePathsEvenWithoutAConfigMap() {
        Ingress forced = ingress("one", "a.example.com", Map.of(NGINX + "force-ssl-redirect", "true"));
        RouteTable withoutConfigMap = Fixtures.compile(forced);

        assertTrue(route(withoutConfigMap, "a.example.com", "/x").sslRedirect());
        assertFalse(route(withoutConfigMap, "a.example.com", "/.well-known/acme-challenge/token").sslRedirect());

        RouteTable listed = compile(Map.of("force-ssl-redirect", "true", "no-tls-redirect-locations", "/plain"),
                ingress("two", "a.example.com", Map.of(), rule("a.example.com", prefix("/plain", backend("web")))));
        assertTrue(route(listed, "a.example.com", "/x").sslRedirect(), "force-ssl-redirect from the ConfigMap");
        assertFalse(route(listed, "a.example.com", "/plain/x").sslRedirect());
        assertTrue(route(listed, "a.example.com", "/.well-known/acme-challenge/token").sslRedirect());
    }

    @Test
    void addHeadersAndProxySetHeadersGiveEveryIngressTheirHeadersWithOrWithoutAnnotations() {
        ClusterState.Builder state = ClusterState.builder().service(service("web")).endpointSlice(slice("web", "10.0.0.1"))
                .configMap(new ConfigMap("ingress", "jingress-controller", Map.of(
                        "add-headers", "ingress/answers", "proxy-set-headers", "ingress/upstream")))
                .configMap(new ConfigMap("ingress", "answers", Map.of("X-Frame-Options", "DENY", "Set-Cookie", "a=b",
                        "X-Var", "$request_id")))
                .configMap(new ConfigMap("ingress", "upstream", Map.of("X-Env", "prod", "X-Forwarded-For", "1.2.3.4",
                        "Bad Name", "x")))
                .ingress(ingress("plain", "a.example.com", Map.of()));
        RouteTable table = RouteCompiler.create(Balancers.create()).withConfigMap(KEY).compile(state.build());

        RoutePolicy policy = route(table, "a.example.com", "/").policy();
        assertEquals(Map.of("X-Frame-Options", "DENY"), policy.responseHeaders().headers());
        assertEquals(Map.of("X-Env", "prod"), policy.requestHeaders().headers());
        assertEquals(List.of(
                "ConfigMap ingress/jingress-controller: data[\"add-headers\"]: ConfigMap ingress/answers key \"Set-Cookie\""
                        + " is a header the proxy writes itself, never set from a ConfigMap; that header is not set",
                "ConfigMap ingress/jingress-controller: data[\"add-headers\"]: ConfigMap ingress/answers key \"X-Var\""
                        + " has a value with an nginx variable ($...), which Jingress does not expand; that header is not set",
                "ConfigMap ingress/jingress-controller: data[\"proxy-set-headers\"]: ConfigMap ingress/upstream key"
                        + " \"Bad Name\" is no header name (letters, digits and !#$%&'*+-.^_`|~ only); that header is not set",
                "ConfigMap ingress/jingress-controller: data[\"proxy-set-headers\"]: ConfigMap ingress/upstream key"
                        + " \"X-Forwarded-For\" is a header the proxy writes itself, never set from a ConfigMap; that header"
                        + " is not set"), table.problems().stream().map(Problem::toString).toList());
        assertTrue(policy.describe().contains("request headers X-Env: \"prod\" (proxy-set-headers, ConfigMap ingress/upstream)"),
                policy.describe().toString());
    }

    @Test
    void aHeadersConfigMapThatIsMissingOrMisnamedIsAWarningAndSetsNothing() {
        RouteTable table = compile(Map.of("add-headers", "answers", "proxy-set-headers", "ingress/nowhere"),
                ingress("plain", "a.example.com", Map.of()));

        assertEquals(List.of(
                "ConfigMap ingress/jingress-controller: data[\"add-headers\"]: \"answers\" is not namespace/name of a"
                        + " ConfigMap: no header is set",
                "ConfigMap ingress/jingress-controller: data[\"proxy-set-headers\"]: names the ConfigMap ingress/nowhere,"
                        + " which does not exist; no header is set until it does"),
                table.problems().stream().map(Problem::toString).toList());
        assertNull(route(table, "a.example.com", "/").policy().responseHeaders());
        assertEquals(Set.of("ingress/nowhere"), RouteCompiler.configMapsNamedBy(new ConfigMap("ingress", "jingress-controller",
                Map.of("add-headers", "answers", "proxy-set-headers", "ingress/nowhere"))), "what a source carries");
    }

    @Test
    void blockKeysRefuseAddressesUserAgentsAndReferersAsNginxsMapComparesThem() {
        RouteTable table = compile(Map.of("block-cidrs", "192.0.2.0/24, not-an-address",
                        "block-user-agents", "~*bad ?bot, curl/7.0, ~(unclosed",
                        "block-referers", "~^https?://spam\\.example/"),
                ingress("one", "a.example.com", Map.of()));
        RequestBlocks blocks = table.serverSettings().requestBlocks();

        assertEquals("block-cidrs", blocks.refusal("192.0.2.7", null, null));
        assertNull(blocks.refusal("198.51.100.1", null, null));
        assertEquals("block-user-agents", blocks.refusal("198.51.100.1", "Mozilla/5.0 (compatible; BadBot/2.1)", null),
                "~*: a case-insensitive search");
        assertEquals("block-user-agents", blocks.refusal("198.51.100.1", "CURL/7.0", null), "a plain entry: the whole value, any case");
        assertNull(blocks.refusal("198.51.100.1", "curl/7.0.1", null), "not a prefix");
        assertNull(blocks.refusal("198.51.100.1", "", null), "an empty User-Agent is never refused");
        assertEquals("block-referers", blocks.refusal("198.51.100.1", "curl/8.0", "http://spam.example/page"));
        assertNull(blocks.refusal("198.51.100.1", "curl/8.0", "http://SPAM.example/page"), "~: case-sensitive");
        assertEquals(List.of(
                "ConfigMap ingress/jingress-controller: data[\"block-cidrs\"]: \"not-an-address\" is no IP address or CIDR"
                        + " range and left out; the other entries are refused",
                "ConfigMap ingress/jingress-controller: data[\"block-user-agents\"]: \"~(unclosed\" is no regular expression"
                        + " (Unclosed group near index 9) and is left out"),
                table.problems().stream().map(Problem::toString).toList());
        assertTrue(Fixtures.compile(ingress("one", "a.example.com", Map.of())).serverSettings().requestBlocks().isNone(), "none by default");
    }

    @Test
    void headerNameRulesAreIngressNginxsUnlessTheConfigMapSetsThem() {
        assertEquals(HeaderNameRules.NGINX, Fixtures.compile(ingress("one", "a.example.com", Map.of())).serverSettings().headerNameRules());
        assertFalse(HeaderNameRules.NGINX.passes("X_Real_IP"));
        assertTrue(HeaderNameRules.NGINX.passes("X-Real-IP"));

        RouteTable table = compile(Map.of("enable-underscores-in-headers", "true", "ignore-invalid-headers", "yes"),
                ingress("one", "a.example.com", Map.of()));
        assertEquals(new HeaderNameRules(true, true), table.serverSettings().headerNameRules());
        assertEquals(List.of("ConfigMap ingress/jingress-controller: data[\"ignore-invalid-headers\"]: \"yes\" is not"
                + " \"true\" or \"false\": true applies"), table.problems().stream().map(Problem::toString).toList());
    }

    @Test
    void theRedirectAndRateLimitStatusesAreTheConfigMapsWhenUsable() {
        assertEquals(ServerSettings.DEFAULTS, Fixtures.compile(ingress("one", "a.example.com", Map.of())).serverSettings());
        RouteTable table = compile(Map.of("http-redirect-code", "301", "limit-req-status-code", "429",
                "limit-conn-status-code", "200"), ingress("one", "a.example.com", Map.of()));
        assertEquals(301, table.serverSettings().httpsRedirectStatus());
        assertEquals(429, table.serverSettings().limitRequestStatus());
        assertEquals(503, table.serverSettings().limitConnectionStatus());
        assertEquals(List.of("ConfigMap ingress/jingress-controller: data[\"limit-conn-status-code\"]: \"200\" is not a"
                + " status from 400 to 599: 503 applies"), table.problems().stream().map(Problem::toString).toList());

        RouteTable refused = compile(Map.of("http-redirect-code", "303"), ingress("one", "a.example.com", Map.of()));
        assertEquals(308, refused.serverSettings().httpsRedirectStatus());
        assertEquals(List.of("ConfigMap ingress/jingress-controller: data[\"http-redirect-code\"]: \"303\" is not one of"
                + " [301, 302, 307, 308]: 308 applies"), refused.problems().stream().map(Problem::toString).toList());
    }

    @Test
    void theHstsKeysGiveTheHeaderTogetherWithIngressNginxsDefaultsForThoseNotSet() {
        assertNull(ServerSettings.DEFAULTS.strictTransportSecurity(), "the server's own without them");
        assertEquals("max-age=600; includeSubDomains", compile(Map.of("hsts-max-age", "600"),
                ingress("one", "a.example.com", Map.of())).serverSettings().strictTransportSecurity());
        assertEquals("max-age=31536000; preload", compile(Map.of("hsts-include-subdomains", "false", "hsts-preload", "true"),
                ingress("one", "a.example.com", Map.of())).serverSettings().strictTransportSecurity());
        assertEquals("", compile(Map.of("hsts", "false", "hsts-max-age", "600"),
                ingress("one", "a.example.com", Map.of())).serverSettings().strictTransportSecurity(), "none");
        RouteTable bad = compile(Map.of("hsts-max-age", "1y"), ingress("one", "a.example.com", Map.of()));
        assertEquals("max-age=31536000; includeSubDomains", bad.serverSettings().strictTransportSecurity());
        assertEquals(List.of("ConfigMap ingress/jingress-controller: data[\"hsts-max-age\"]: \"1y\" is not a number of"
                + " seconds: 31536000 applies"), bad.problems().stream().map(Problem::toString).toList());
    }

    @Test
    void hideHeadersListsNamesAndAllowBackendServerHeaderIsABoolean() {
        RouteTable table = compile(Map.of("hide-headers", "X-Powered-By, bad name,,X-AspNet-Version",
                "allow-backend-server-header", "true"), ingress("one", "a.example.com", Map.of()));

        assertEquals(Set.of("x-powered-by", "x-aspnet-version"), table.serverSettings().hiddenResponseHeaders());
        assertTrue(table.serverSettings().hides("X-POWERED-BY"));
        assertTrue(table.serverSettings().backendServerHeader());
        assertEquals(List.of("ConfigMap ingress/jingress-controller: data[\"hide-headers\"]: \"bad name\" is no header"
                + " name and is left out"), table.problems().stream().map(Problem::toString).toList());
        assertFalse(ServerSettings.DEFAULTS.backendServerHeader());
    }

    @Test
    void aNameThatIsNotNamespaceSlashNameIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> RouteCompiler.create(Balancers.create()).withConfigMap("nope"));
    }

    @Test
    void sslProtocolsAndSslCiphersChooseTheTlsOfTheHttpsListener() {
        RouteTable table = compile(Map.of("ssl-protocols", "TLSv1.3",
                "ssl-ciphers", "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"
                        + ":DHE-RSA-AES128-GCM-SHA256:AES128-SHA"),
                ingress("one", "a.example.com", Map.of()));

        assertEquals(List.of("TLSv1.3"), table.serverSettings().tlsProtocols());
        assertEquals(List.of("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
                "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_128_CBC_SHA"),
                table.serverSettings().tlsCipherSuites(), "in the order written, which is the server's preference");
        assertEquals(List.of(), problemsOf(table, "ConfigMap"));
        assertNull(Fixtures.compile(ingress("one", "a.example.com", Map.of())).serverSettings().tlsProtocols(), "the server's own");
        assertNull(Fixtures.compile(ingress("one", "a.example.com", Map.of())).serverSettings().tlsCipherSuites());
    }

    @Test
    void brokenProtocolsKeywordsAndUnknownSuitesAreWarningsAndLeftOut() {
        RouteTable table = compile(Map.of("ssl-protocols", "TLSv1 TLSv1.1 TLSv1.2 TLSv9",
                "ssl-ciphers", "HIGH:!aNULL:ECDHE-RSA-AES128-GCM-SHA256:TLS_AES_128_GCM_SHA256:ECDHE-RSA-RC4-SHA:TLS_NOPE_SHA"),
                ingress("one", "a.example.com", Map.of()));

        assertEquals(List.of("TLSv1.2"), table.serverSettings().tlsProtocols());
        assertEquals(List.of("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"), table.serverSettings().tlsCipherSuites());
        assertEquals(List.of(
                "data[\"ssl-protocols\"]: TLSv1 is not served: it is broken, and the JDK refuses it; left out",
                "data[\"ssl-protocols\"]: TLSv1.1 is not served: it is broken, and the JDK refuses it; left out",
                "data[\"ssl-protocols\"]: \"TLSv9\" is no TLS protocol (TLSv1.2, TLSv1.3); left out",
                "data[\"ssl-ciphers\"]: TLS_AES_128_GCM_SHA256 is a TLS 1.3 suite, which the list does not choose (as with"
                        + " nginx): TLS 1.3 offers its own; left out",
                "data[\"ssl-ciphers\"]: ECDHE-RSA-RC4-SHA is not an OpenSSL name of a suite Jingress knows (ECDHE, DHE or"
                        + " RSA with AES-GCM, AES-CBC or ChaCha20-Poly1305; or give its standard name, TLS_...); left out",
                "data[\"ssl-ciphers\"]: TLS_NOPE_SHA is not a cipher suite the JDK knows; left out",
                "data[\"ssl-ciphers\"]: OpenSSL's keywords and operators are not read, only suite names"
                        + " (ECDHE-RSA-AES128-GCM-SHA256, or TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256): HIGH !aNULL left out"),
                problemsOf(table, "ConfigMap").stream().map(p -> p.field() + ": " + p.message()).toList());
    }

    @Test
    void aListWithNothingServableKeepsTheServersOwnAndSaysSo() {
        RouteTable table = compile(Map.of("ssl-protocols", "SSLv3", "ssl-ciphers", "DEFAULT"),
                ingress("one", "a.example.com", Map.of()));

        assertNull(table.serverSettings().tlsProtocols());
        assertNull(table.serverSettings().tlsCipherSuites());
        List<String> messages = problemsOf(table, "ConfigMap").stream().map(Problem::message).toList();
        assertTrue(messages.contains("\"SSLv3\" names no protocol that is served: TLSv1.2 and TLSv1.3 are, as by default"),
                messages.toString());
        assertTrue(messages.contains("names no TLS 1.2 suite that can be served: the server's own apply (ECDHE with AES-GCM"
                + " or ChaCha20-Poly1305)"), messages.toString());
    }

    @Test
    void openSslNamesBecomeTheStandardNames() {
        assertEquals("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", TlsPolicyKeys.standardName("ECDHE-ECDSA-AES128-GCM-SHA256"));
        assertEquals("TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", TlsPolicyKeys.standardName("ECDHE-RSA-AES256-SHA384"));
        assertEquals("TLS_DHE_RSA_WITH_AES_256_CBC_SHA", TlsPolicyKeys.standardName("EDH-RSA-AES256-SHA"));
        assertEquals("TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256", TlsPolicyKeys.standardName("DHE-RSA-CHACHA20-POLY1305"));
        assertEquals("TLS_RSA_WITH_AES_256_GCM_SHA384", TlsPolicyKeys.standardName("AES256-GCM-SHA384"));
        assertNull(TlsPolicyKeys.standardName("CHACHA20-POLY1305"), "no suite without a key exchange");
        assertNull(TlsPolicyKeys.standardName("ECDHE-RSA-DES-CBC3-SHA"));
        assertNull(TlsPolicyKeys.standardName("kEECDH+AESGCM"));
    }

    @Test
    void useGzipWithItsCompanionsAsksForCompressionWithIngressNginxsDefaultsForTheOthers() {
        RouteTable table = compile(Map.of("use-gzip", "true"), ingress("one", "a.example.com", Map.of()));
        assertEquals(ResponseCompression.DEFAULTS, table.serverSettings().compression());
        assertTrue(table.serverSettings().compression().compresses("text/html; charset=utf-8"), "text/html always");
        assertTrue(table.serverSettings().compression().compresses("Application/JSON"));
        assertFalse(table.serverSettings().compression().compresses("image/png"));
        assertFalse(table.serverSettings().compression().compresses(null));

        RouteTable tuned = compile(Map.of("use-gzip", "true", "gzip-level", "6", "gzip-min-length", "1000",
                "gzip-types", "application/json text/csv"), ingress("one", "a.example.com", Map.of()));
        assertEquals(new ResponseCompression(6, 1000, Set.of("application/json", "text/csv")), tuned.serverSettings().compression());
        assertFalse(tuned.serverSettings().compression().compresses("text/css"), "the list replaces the default one");
        assertEquals(List.of(), problemsOf(tuned, "ConfigMap"));
        assertTrue(compile(Map.of("use-gzip", "true", "gzip-types", "*"), ingress("one", "a.example.com", Map.of()))
                .serverSettings().compression().compresses("image/png"));

        assertNull(Fixtures.compile(ingress("one", "a.example.com", Map.of())).serverSettings().compression(), "off by default");
    }

    @Test
    void badGzipValuesAreWarningsAndTheCompanionsWithoutUseGzipDoNothing() {
        RouteTable bad = compile(Map.of("use-gzip", "true", "gzip-level", "11", "gzip-min-length", "1k",
                "gzip-types", "text/plain nonsense"), ingress("one", "a.example.com", Map.of()));
        assertEquals(new ResponseCompression(1, 256, Set.of("text/plain")), bad.serverSettings().compression());
        assertEquals(List.of("data[\"gzip-level\"]: \"11\" is not a level from 1 to 9: 1 applies",
                "data[\"gzip-min-length\"]: \"1k\" is not a number of bytes: 256 applies",
                "data[\"gzip-types\"]: \"nonsense\" is no media type; left out"),
                problemsOf(bad, "ConfigMap").stream().map(p -> p.field() + ": " + p.message()).toList());

        RouteTable off = compile(Map.of("gzip-level", "5"), ingress("one", "a.example.com", Map.of()));
        assertNull(off.serverSettings().compression());
        assertEquals(List.of("data[\"gzip-level\"]: has no effect without use-gzip: \"true\""),
                problemsOf(off, "ConfigMap").stream().map(p -> p.field() + ": " + p.message()).toList());
    }

    @Test
    void limitRateAndLimitRateAfterAreBytesHereAndEveryIngresssDefault() {
        RouteTable table = compile(Map.of("limit-rate", "102400", "limit-rate-after", "1048576"),
                ingress("plain", "a.example.com", Map.of()),
                ingress("own", "b.example.com", Map.of(NGINX + "limit-rate", "10")));

        assertEquals(new AnswerRate(102_400, 1_048_576), route(table, "a.example.com", "/x").policy().answerRate());
        assertEquals(new AnswerRate(10 * 1024, 1_048_576), route(table, "b.example.com", "/x").policy().answerRate(),
                "its own rate, in kilobytes as the annotation's");
        assertEquals(List.of(), problemsOf(table, "ConfigMap"));

        RouteTable sized = compile(Map.of("limit-rate", "100k"), ingress("plain", "a.example.com", Map.of()));
        assertEquals(new AnswerRate(102_400, 0), route(sized, "a.example.com", "/x").policy().answerRate());

        RouteTable odd = compile(Map.of("limit-rate", "1500"), ingress("plain", "a.example.com", Map.of()));
        assertEquals(new AnswerRate(1024, 0), route(odd, "a.example.com", "/x").policy().answerRate());
        assertEquals(List.of("data[\"limit-rate\"]: \"1500\" bytes is taken as 1 KiB (1024 bytes), the unit of the"
                + " limit-rate annotations"), problemsOf(odd, "ConfigMap").stream().map(p -> p.field() + ": " + p.message()).toList());

        RouteTable off = compile(Map.of("limit-rate", "0"), ingress("plain", "a.example.com", Map.of()));
        assertNull(route(off, "a.example.com", "/x").policy().answerRate(), "0: no limit, nginx's default");
        assertEquals(List.of(), problemsOf(off, "ConfigMap"));
    }
}
