package io.jingress.core.route;

import io.jingress.core.lb.Balancers;
import io.jingress.core.model.ClusterState;
import io.jingress.core.model.ConfigMap;
import io.jingress.core.model.Ingress;
import io.jingress.core.model.Problem;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.jingress.core.model.HttpIngressPath.prefix;
import static io.jingress.core.route.Fixtures.backend;
import static io.jingress.core.route.Fixtures.rule;
import static io.jingress.core.route.Fixtures.service;
import static io.jingress.core.route.Fixtures.slice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** custom-headers: the ConfigMap named, the names the controller allows, and what a bad entry costs. */
class CustomHeadersAnnotationTest {
    private static final String NGINX = "nginx.ingress.kubernetes.io/";

    private final RouteCompiler compiler = RouteCompiler.create(Balancers.create())
            .withAllowedResponseHeaders(List.of("X-Frame-Options", "x-team", "Content-Security-Policy", "Set-Cookie",
                    "Content-Length", "X-Empty", "X-Bad"));

    private static Ingress ingress(String name, String namespace, String... nameValues) {
        Map<String, String> annotations = new LinkedHashMap<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            annotations.put(nameValues[i].contains("/") ? nameValues[i] : NGINX + nameValues[i], nameValues[i + 1]);
        }
        Ingress.Builder builder = Ingress.builder(namespace, name).creationTimestamp(Instant.ofEpochSecond(1))
                .rule(rule(name + ".example", prefix("/", backend("web"))));
        annotations.forEach(builder::annotation);
        return builder.build();
    }

    private RouteTable compile(RouteCompiler compiler, Ingress ingress, ConfigMap... configMaps) {
        ClusterState.Builder state = ClusterState.builder().service(service("web")).endpointSlice(slice("web", "10.0.0.1"))
                .ingress(ingress);
        for (ConfigMap configMap : configMaps) {
            state.configMap(configMap);
        }
        return compiler.compile(state.build());
    }

    private RouteTable compile(Ingress ingress, ConfigMap... configMaps) {
        return compile(compiler, ingress, configMaps);
    }

    private static RoutePolicy policyOf(RouteTable table, String host) {
        return ((Route) table.match(host, "/")).policy();
    }

    private static List<String> warnings(RouteTable table) {
        return table.problems().stream().filter(p -> p.field().equals("metadata.annotations"))
                .map(p -> p.severity() + " " + p.object() + ": " + p.message()).toList();
    }

    @Test
    void theEntriesOfTheConfigMapNamedAreTheRoutesResponseHeaders() {
        RouteTable table = compile(ingress("shop", "default", "custom-headers", "default/headers"),
                new ConfigMap("default", "headers", Map.of("X-Frame-Options", "DENY", "x-team", " shop ")));

        ResponseHeaders headers = policyOf(table, "shop.example").responseHeaders();
        assertEquals(Map.of("X-Frame-Options", "DENY", "x-team", "shop"), headers.headers());
        assertEquals(List.of("X-Frame-Options", "x-team"), List.copyOf(headers.headers().keySet()), "sent in the order of their names");
        assertEquals("default/headers", headers.configMap());
        assertTrue(policyOf(table, "shop.example").describe().contains(
                "response headers X-Frame-Options: \"DENY\", x-team: \"shop\" (custom-headers, ConfigMap default/headers)"),
                policyOf(table, "shop.example").describe().toString());
        assertEquals(List.of(), warnings(table));
    }

    @Test
    void aNameWithoutNamespaceIsOfTheIngresssNamespaceAndOursWinsOverNginxs() {
        RouteTable table = compile(ingress("shop", "default", "custom-headers", "other",
                        "jingress.io/custom-headers", "headers"),
                new ConfigMap("default", "headers", Map.of("X-Team", "ours")),
                new ConfigMap("default", "other", Map.of("X-Team", "nginx's")));

        assertEquals(Map.of("X-Team", "ours"), policyOf(table, "shop.example").responseHeaders().headers());
    }

    @Test
    void aConfigMapOfAnotherNamespaceIsNotReadAndTheRoutesAreServed() {
        RouteTable table = compile(ingress("shop", "default", "custom-headers", "payments/headers"),
                new ConfigMap("payments", "headers", Map.of("X-Frame-Options", "DENY")));

        assertSame(RoutePolicy.NONE, policyOf(table, "shop.example"));
        assertEquals(List.of("WARNING default/shop: nginx.ingress.kubernetes.io/custom-headers: \"payments/headers\" names a"
                + " ConfigMap of another namespace, which ingress-nginx does not allow either; no header is set until the"
                + " ConfigMap is in default"), warnings(table));
    }

    @Test
    void aMissingConfigMapIsAWarningAndTheRoutesAreServed() {
        RouteTable table = compile(ingress("shop", "default", "custom-headers", "headers"));

        assertSame(RoutePolicy.NONE, policyOf(table, "shop.example"));
        assertEquals(List.of("WARNING default/shop: nginx.ingress.kubernetes.io/custom-headers: \"headers\" names the"
                + " ConfigMap default/headers, which does not exist; no header is set until it does"), warnings(table));
    }

    @Test
    void aValueThatIsNoConfigMapNameIsAWarning() {
        RouteTable table = compile(ingress("shop", "default", "custom-headers", "Not A Name"));

        assertSame(RoutePolicy.NONE, policyOf(table, "shop.example"));
        assertEquals(List.of("WARNING default/shop: nginx.ingress.kubernetes.io/custom-headers: \"Not A Name\" is no"
                + " ConfigMap name (\"name\" or \"namespace/name\"); no header is set"), warnings(table));
    }

    @Test
    void aHeaderTheControllerDoesNotAllowCostsThatHeaderOnly() {
        RouteTable table = compile(ingress("shop", "default", "custom-headers", "headers"),
                new ConfigMap("default", "headers", Map.of("X-Frame-Options", "DENY", "X-Powered-By", "PHP")));

        assertEquals(Map.of("X-Frame-Options", "DENY"), policyOf(table, "shop.example").responseHeaders().headers());
        assertEquals(List.of("WARNING default/shop: nginx.ingress.kubernetes.io/custom-headers: \"headers\": ConfigMap"
                + " default/headers key \"X-Powered-By\" is not among the response headers the controller allows"
                + " (--allowed-response-headers: content-length,content-security-policy,set-cookie,x-bad,x-empty,"
                + "x-frame-options,x-team); that header is not set"), warnings(table));
    }

    @Test
    void withoutAnAllowListNoHeaderIsSetAsInIngressNginx() {
        RouteTable table = compile(RouteCompiler.create(Balancers.create()), ingress("shop", "default", "custom-headers", "headers"),
                new ConfigMap("default", "headers", Map.of("X-Frame-Options", "DENY")));

        assertSame(RoutePolicy.NONE, policyOf(table, "shop.example"));
        assertEquals(List.of("WARNING default/shop: nginx.ingress.kubernetes.io/custom-headers: \"headers\": ConfigMap"
                + " default/headers key \"X-Frame-Options\" is not among the response headers the controller allows"
                + " (--allowed-response-headers: none); that header is not set"), warnings(table));
    }

    @Test
    void framingHeadersAndSetCookieAreRefusedEvenWhenAllowed() {
        RouteTable table = compile(ingress("shop", "default", "custom-headers", "headers"),
                new ConfigMap("default", "headers", Map.of("Content-Length", "0", "Set-Cookie", "a=b", "X-Team", "shop")));

        assertEquals(Map.of("X-Team", "shop"), policyOf(table, "shop.example").responseHeaders().headers());
        List<String> warnings = warnings(table);
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).endsWith("key \"Content-Length\" is a header the proxy writes itself, never set from a"
                + " ConfigMap; that header is not set"), warnings.get(0));
        assertTrue(warnings.get(1).contains("key \"Set-Cookie\" is a header the proxy writes itself"), warnings.get(1));
    }

    @Test
    void aValueWithALineBreakOrNothingAndANameThatIsNoTokenCostThatHeaderOnly() {
        RouteTable table = compile(ingress("shop", "default", "custom-headers", "headers"),
                new ConfigMap("default", "headers", Map.of("X-Bad", "a\r\nSet-Cookie: stolen=1", "X-Empty", "  ",
                        "X Team", "shop", "X-Frame-Options", "DENY")));

        assertEquals(Map.of("X-Frame-Options", "DENY"), policyOf(table, "shop.example").responseHeaders().headers());
        List<String> warnings = warnings(table);
        assertEquals(3, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).endsWith("key \"X Team\" is no header name (letters, digits and !#$%&'*+-.^_`|~ only);"
                + " that header is not set"), warnings.get(0));
        assertTrue(warnings.get(1).endsWith("key \"X-Bad\" has a value with a control or non-ASCII character (U+000D) at 1;"
                + " that header is not set"), warnings.get(1));
        assertTrue(warnings.get(2).endsWith("key \"X-Empty\" has an empty value; that header is not set"), warnings.get(2));
    }

    @Test
    void twoKeysForOneHeaderSetTheFirstByName() {
        RouteTable table = compile(ingress("shop", "default", "custom-headers", "headers"),
                new ConfigMap("default", "headers", Map.of("X-Team", "upper", "x-team", "lower")));

        assertEquals(Map.of("X-Team", "upper"), policyOf(table, "shop.example").responseHeaders().headers());
        assertEquals(1, warnings(table).size());
        assertTrue(warnings(table).get(0).contains("key \"x-team\" another key of the ConfigMap sets the same header"),
                warnings(table).get(0));
    }

    @Test
    void anIngressWithoutTheAnnotationHasNoResponseHeaders() {
        RouteTable table = compile(ingress("shop", "default"), new ConfigMap("default", "headers", Map.of("X-Team", "shop")));

        assertNull(policyOf(table, "shop.example").responseHeaders());
    }

    @Test
    void anAllowedNameMustBeAHeaderName() {
        assertThrows(IllegalArgumentException.class,
                () -> RouteCompiler.create(Balancers.create()).withAllowedResponseHeaders(List.of("X Frame")));
    }

    @Test
    void theConfigMapNamedIsWhatSourcesCarry() {
        assertEquals("default/headers", ResponseHeaders.configMapNamedBy(ingress("shop", "default", "custom-headers", "headers")));
        assertNull(ResponseHeaders.configMapNamedBy(ingress("shop", "default", "custom-headers", "other/headers")));
        assertNull(ResponseHeaders.configMapNamedBy(ingress("shop", "default")));
    }
}
