package io.jingress.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.core.model.Problem;
import io.jingress.core.route.Backend;
import io.jingress.core.route.MatchResult;
import io.jingress.core.route.Route;
import io.jingress.core.route.Router;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * File mode: {@code gateway.networking.k8s.io} GatewayClass, Gateway, HTTPRoute and ReferenceGrant
 * documents are read from manifest files and served with the Ingresses.
 */
class GatewayApiManifestTest {
    private static final String GATEWAY = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: GatewayClass
            metadata:
              name: jingress
            spec:
              controllerName: jingress.io/gateway-controller
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata:
              name: web
              namespace: infra
            spec:
              gatewayClassName: jingress
              listeners:
              - name: http
                port: 80
                protocol: HTTP
                hostname: "*.example.com"
                allowedRoutes:
                  namespaces:
                    from: All
            """;

    private static final String ROUTE = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata:
              name: shop
              namespace: shop
              creationTimestamp: "2026-01-01T00:00:00Z"
            spec:
              parentRefs:
              - name: web
                namespace: infra
              hostnames: ["shop.example.com"]
              rules:
              - matches:
                - path: {type: PathPrefix, value: /api}
                  headers:
                  - {name: x-beta, value: "1"}
                  method: GET
                backendRefs:
                - {name: beta, port: 80}
              - matches:
                - path: {type: PathPrefix, value: /}
                filters:
                - type: RequestHeaderModifier
                  requestHeaderModifier:
                    set: [{name: X-Env, value: prod}]
                    remove: [X-Debug]
                backendRefs:
                - {name: web, port: 80, weight: 3}
                - {name: api, namespace: backends, port: 80, weight: 1}
              - matches:
                - path: {type: RegularExpression, value: "/re(.*"}
                backendRefs:
                - {name: web, port: 80}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: shop}
            spec:
              ports: [{name: http, port: 80, targetPort: 8080}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: beta, namespace: shop}
            spec:
              ports: [{name: http, port: 80, targetPort: 8080}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: api, namespace: backends}
            spec:
              ports: [{name: http, port: 80, targetPort: 8080}]
            """;

    private static final String GRANT = """
            apiVersion: gateway.networking.k8s.io/v1beta1
            kind: ReferenceGrant
            metadata:
              name: from-shop
              namespace: backends
            spec:
              from:
              - {group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: shop}
              to:
              - {group: "", kind: Service}
            """;

    @TempDir
    Path dir;

    private static Route routeAt(Router router, String path) {
        MatchResult result = router.current().match("shop.example.com", path);
        return assertInstanceOf(Route.class, result);
    }

    @Test
    void gatewayApiDocumentsAreReadAndServedAndAReferenceGrantFileOpensANamespace() throws Exception {
        Files.writeString(dir.resolve("gateway.yaml"), GATEWAY);
        Files.writeString(dir.resolve("route.yaml"), ROUTE);
        Router router = Router.create();
        try (ManifestSource source = ManifestSource.builder().path(dir).router(router).debounce(Duration.ofMillis(50))
                .build().start()) {
            Route root = routeAt(router, "/");
            assertEquals("HTTPRoute", root.kind());
            assertEquals("shop/shop", root.ingress());
            assertEquals(List.of(3, 1), root.split().weights());
            assertEquals(Backend.Status.INVALID_REFERENCE, root.split().backends().get(1).status(),
                    "no ReferenceGrant yet: the other namespace's Service is refused");
            assertEquals("prod", root.filters().requestHeaders().set().get(0).value());

            Route api = routeAt(router, "/api/x");
            assertTrue(api.hasCandidates());
            assertEquals("beta", api.select("GET", name -> name.equals("x-beta") ? "1" : null, null).backend().serviceName());
            assertEquals("web", api.select("POST", name -> "1", null).split().backends().get(0).serviceName());

            List<String> problems = router.current().problems().stream().map(Problem::toString).toList();
            assertTrue(problems.contains("HTTPRoute shop/shop: spec.rules[2].matches[0].path.value: \"/re(.*\" is not a"
                    + " regular expression (Unclosed group); rule 2 is not served"), problems.toString());

            long before = router.swapCount();
            Files.writeString(dir.resolve("grant.yaml"), GRANT);
            Await.until("the ReferenceGrant file read", () -> router.swapCount() > before);
            assertEquals("backends/api:80", routeAt(router, "/").split().backends().get(1).key());
            assertEquals(Backend.Status.NO_READY_ENDPOINTS, routeAt(router, "/").split().backends().get(1).status());
        }
    }

    @Test
    void explainChoosesTheHttpRouteMatchARequestWithoutHeadersTakes() throws Exception {
        Files.writeString(dir.resolve("gateway.yaml"), GATEWAY);
        Files.writeString(dir.resolve("route.yaml"), ROUTE.replace("method: GET", "method: GET\n    - path: {type: Exact, value: /only-post}\n      method: POST"));
        RouteExplainer explainer = RouteExplainer.fromManifests(dir);
        RouteExplanation api = explainer.explain("GET", "http://shop.example.com/api/x");
        assertEquals("shop/shop", api.ingress());
        assertEquals("HTTPRoute", api.kind());
        assertEquals(1, api.ruleIndex(), "without the x-beta header, the PathPrefix / rule");
        RouteExplanation post = explainer.explain("POST", "http://shop.example.com/only-post");
        assertEquals(0, post.ruleIndex());
        assertEquals("shop/beta", post.service());
        assertTrue(post.toString().contains("\n  HTTPRoute shop/shop, rule 0, match 1: /only-post (Exact)\n"), post.toString());
    }

    @Test
    void explainAnswersAnHttpRouteRedirectAndTheRefusedBackendRefAsTheProxyDoes() throws Exception {
        String redirect = """
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: moved, namespace: shop}
                spec:
                  parentRefs: [{name: web, namespace: infra}]
                  hostnames: [old.example.com]
                  rules:
                  - filters:
                    - type: RequestRedirect
                      requestRedirect: {hostname: new.example.com, statusCode: 301}
                """;
        Files.writeString(dir.resolve("gateway.yaml"), GATEWAY);
        Files.writeString(dir.resolve("route.yaml"), ROUTE.replace("weight: 3}", "weight: 0}"));
        Files.writeString(dir.resolve("moved.yaml"), redirect);
        RouteExplainer explainer = RouteExplainer.fromManifests(dir);
        RouteExplanation moved = explainer.explain("GET", "http://old.example.com:8080/a?b=1");
        assertEquals(301, moved.status());
        assertEquals("http://new.example.com:8080/a?b=1", moved.location());
        assertTrue(moved.toString().contains("\n  HTTPRoute shop/moved, rule 0 (no matches): every path\n"), moved.toString());
        RouteExplanation refused = explainer.explain("GET", "http://shop.example.com/");
        assertEquals(500, refused.status(), refused.toString());
        assertTrue(refused.reason().contains("no ReferenceGrant in backends allows HTTPRoutes of shop"), refused.reason());
    }

    @Test
    void aServicePortWithAppProtocolH2cIsReadFromTheFilesAndExplained() throws Exception {
        String grpc = """
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: greeter, namespace: shop}
                spec:
                  parentRefs: [{name: web, namespace: infra}]
                  hostnames: [grpc.example.com]
                  rules:
                  - matches: [{path: {type: PathPrefix, value: /helloworld.Greeter}}]
                    backendRefs: [{name: greeter, port: 50051}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: greeter, namespace: shop}
                spec:
                  ports: [{name: grpc, port: 50051, appProtocol: kubernetes.io/h2c}]
                """;
        Files.writeString(dir.resolve("gateway.yaml"), GATEWAY);
        Files.writeString(dir.resolve("grpc.yaml"), grpc);
        RouteExplainer explainer = RouteExplainer.fromManifests(dir);

        RouteExplanation call = explainer.explain("POST", "http://grpc.example.com/helloworld.Greeter/SayHello");

        assertTrue(call.toString().contains("\n  HTTPRoute shop/greeter, rule 0, match 0: /helloworld.Greeter (PathPrefix)\n"
                + "  route: endpoints spoken to in HTTP/2 in cleartext (a GRPCRoute's, or the Service port's appProtocol"
                + " kubernetes.io/h2c)\n"),
                call.toString());
    }

    @Test
    void aGrpcRouteIsReadFromTheFilesServedOnTheHttpsListenerAndExplained() throws Exception {
        String grpc = """
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: secure, namespace: infra}
                spec:
                  gatewayClassName: jingress
                  listeners:
                  - {name: https, port: 443, protocol: HTTPS, allowedRoutes: {namespaces: {from: All}}}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: GRPCRoute
                metadata: {name: greeter, namespace: shop}
                spec:
                  parentRefs: [{name: secure, namespace: infra}]
                  hostnames: [grpc.example.com]
                  rules:
                  - matches:
                    - method: {service: helloworld.Greeter, method: SayHello}
                      headers: [{name: x-tenant, value: blue}]
                    backendRefs: [{name: blue, port: 50051}]
                  - matches:
                    - method: {method: Check}
                    backendRefs: [{name: greeter, port: 50051}]
                  - matches:
                    - method: {service: helloworld.Greeter}
                    backendRefs: [{name: greeter, port: 50051}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: greeter, namespace: shop}
                spec:
                  ports: [{name: grpc, port: 50051}]
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: greeter-1
                  namespace: shop
                  labels: {kubernetes.io/service-name: greeter}
                addressType: IPv4
                ports: [{name: grpc, port: 50051}]
                endpoints: [{addresses: [10.0.0.5]}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: blue, namespace: shop}
                spec:
                  ports: [{name: grpc, port: 50051}]
                """;
        Files.writeString(dir.resolve("gateway.yaml"), GATEWAY);
        Files.writeString(dir.resolve("grpc.yaml"), grpc);
        RouteExplainer explainer = RouteExplainer.fromManifests(dir);

        RouteExplanation call = explainer.explain("POST", "https://grpc.example.com/helloworld.Greeter/SayHello");
        assertEquals("GRPCRoute", call.kind());
        assertEquals("shop/greeter", call.service(), "without the x-tenant header, the service's rule");
        assertTrue(call.toString().contains("\n  GRPCRoute shop/greeter, rule 2, match 0: /helloworld.Greeter (PathPrefix)\n"
                + "  route: endpoints spoken to in HTTP/2 in cleartext (a GRPCRoute's, or the Service port's appProtocol"
                + " kubernetes.io/h2c)\n"), call.toString());
        assertTrue(call.toString().contains("; spoken to in HTTP/2 in cleartext (a GRPCRoute's calls)"), call.toString());
        RouteExplanation health = explainer.explain("POST", "https://grpc.example.com/grpc.health.v1.Health/Check");
        assertEquals(1, health.ruleIndex(), health.toString());
        RouteExplanation other = explainer.explain("POST", "https://grpc.example.com/other.Service/Call");
        assertEquals(404, other.status(), other.toString());
    }

    @Test
    void aListenersAllowedRouteKindsAreReadFromTheFiles() throws Exception {
        String files = """
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: web-only, namespace: infra}
                spec:
                  gatewayClassName: jingress
                  listeners:
                  - name: https
                    port: 443
                    protocol: HTTPS
                    allowedRoutes:
                      namespaces: {from: All}
                      kinds: [{kind: HTTPRoute}]
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: GRPCRoute
                metadata: {name: greeter, namespace: shop}
                spec:
                  parentRefs: [{name: web-only, namespace: infra}]
                  hostnames: [grpc.example.com]
                  rules:
                  - backendRefs: [{name: greeter, port: 50051}]
                """;
        Files.writeString(dir.resolve("gateway.yaml"), GATEWAY);
        Files.writeString(dir.resolve("grpc.yaml"), files);
        RouteExplainer explainer = RouteExplainer.fromManifests(dir);

        assertEquals(404, explainer.explain("POST", "https://grpc.example.com/a.B/C").status());
        List<String> problems = explainer.problems().stream().map(Problem::toString).toList();
        assertTrue(problems.contains("GRPCRoute shop/greeter: spec.parentRefs[0]: not attached to Gateway infra/web-only:"
                + " listener https does not take GRPCRoutes (allowedRoutes.kinds)"), problems.toString());
    }

    @Test
    void aRulesCookieSessionPersistenceIsServedAndWhatItCannotBeIsReported() throws Exception {
        String route = """
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: cart, namespace: shop}
                spec:
                  parentRefs: [{name: web, namespace: infra}]
                  hostnames: [cart.example.com]
                  rules:
                  - matches: [{path: {type: PathPrefix, value: /kept}}]
                    sessionPersistence: {sessionName: cart, absoluteTimeout: 1h, cookieConfig: {lifetimeType: Permanent}}
                    backendRefs: [{name: web, port: 80}]
                  - matches: [{path: {type: PathPrefix, value: /session}}]
                    sessionPersistence: {absoluteTimeout: 10m}
                    backendRefs: [{name: web, port: 80}]
                  - matches: [{path: {type: PathPrefix, value: /header}}]
                    sessionPersistence: {type: Header, sessionName: x-session}
                    backendRefs: [{name: web, port: 80}]
                  - matches: [{path: {type: PathPrefix, value: /split}}]
                    sessionPersistence: {sessionName: split}
                    backendRefs: [{name: web, port: 80, weight: 1}, {name: other, port: 80, weight: 1}]
                  - matches: [{path: {type: PathPrefix, value: /forever}}]
                    sessionPersistence: {cookieConfig: {lifetimeType: Permanent}}
                    backendRefs: [{name: web, port: 80}]
                  - backendRefs: [{name: web, port: 80}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: web, namespace: shop}
                spec:
                  ports: [{name: http, port: 80, targetPort: 8080}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: other, namespace: shop}
                spec:
                  ports: [{name: http, port: 80, targetPort: 8080}]
                """;
        Files.writeString(dir.resolve("gateway.yaml"), GATEWAY);
        Files.writeString(dir.resolve("route.yaml"), route);
        RouteExplainer explainer = RouteExplainer.fromManifests(dir);

        assertEquals(List.of("a client stays with one endpoint by the cookie cart (Max-Age=3600) (sessionPersistence)"),
                explainer.explain("GET", "http://cart.example.com/kept").policy());
        assertEquals(List.of("a client stays with one endpoint by the cookie INGRESSCOOKIE (a session cookie)"
                + " (sessionPersistence)"), explainer.explain("GET", "http://cart.example.com/session").policy());
        assertEquals(List.of(), explainer.explain("GET", "http://cart.example.com/header").policy());
        assertEquals(List.of(), explainer.explain("GET", "http://cart.example.com/split").policy());
        assertEquals(5, explainer.explain("GET", "http://cart.example.com/forever").ruleIndex());
        List<String> problems = explainer.problems().stream().map(Problem::toString).toList();
        assertTrue(problems.contains("HTTPRoute shop/cart: spec.rules[1].sessionPersistence.absoluteTimeout: not applied to"
                + " a Session cookie, which lasts until the browser closes (cookieConfig.lifetimeType: Permanent makes it the"
                + " cookie's Max-Age)"), problems.toString());
        assertTrue(problems.contains("HTTPRoute shop/cart: spec.rules[2].sessionPersistence.type: Header sessions are not"
                + " served by Jingress (Cookie ones are); the rule is served without session persistence"), problems.toString());
        assertTrue(problems.contains("HTTPRoute shop/cart: spec.rules[3].sessionPersistence: not served by Jingress on a rule"
                + " that splits its requests among backendRefs; the rule is served without session persistence"),
                problems.toString());
        assertTrue(problems.contains("HTTPRoute shop/cart: spec.rules[4].sessionPersistence.absoluteTimeout: a Permanent"
                + " cookie needs one; rule 4 is not served"), problems.toString());
    }

    @Test
    void aRulesRetryIsServedAndABadValueDropsOnlyItsRule() throws Exception {
        String route = """
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: flaky, namespace: shop}
                spec:
                  parentRefs: [{name: web, namespace: infra}]
                  hostnames: [flaky.example.com]
                  rules:
                  - matches: [{path: {type: PathPrefix, value: /api}}]
                    retry: {codes: [503, 502], attempts: 2, backoff: 100ms}
                    backendRefs: [{name: web, port: 80}]
                  - matches: [{path: {type: PathPrefix, value: /bad}}]
                    retry: {codes: [200], attempts: -1, backoff: soon}
                    backendRefs: [{name: web, port: 80}]
                  - matches: [{path: {type: PathPrefix, value: /}}]
                    retry: {attempts: 0}
                    backendRefs: [{name: web, port: 80}]
                  - matches: [{path: {type: PathPrefix, value: /stubborn}}]
                    retry: {attempts: 1000}
                    backendRefs: [{name: web, port: 80}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: web, namespace: shop}
                spec:
                  ports: [{name: http, port: 80, targetPort: 8080}]
                """;
        Files.writeString(dir.resolve("gateway.yaml"), GATEWAY);
        Files.writeString(dir.resolve("route.yaml"), route);
        RouteExplainer explainer = RouteExplainer.fromManifests(dir);

        assertEquals(List.of("retried on a failure without an answer and on 502, 503, at most 2 times, 100 ms apart (retry)"),
                explainer.explain("GET", "http://flaky.example.com/api/x").policy());
        assertEquals(List.of("not retried (retry.attempts: 0)"), explainer.explain("GET", "http://flaky.example.com/").policy());
        assertEquals(2, explainer.explain("GET", "http://flaky.example.com/bad").ruleIndex());
        assertEquals(List.of("retried on a failure without an answer, at most 100 times (retry)"),
                explainer.explain("GET", "http://flaky.example.com/stubborn").policy());
        List<String> problems = explainer.problems().stream().map(Problem::toString).toList();
        assertTrue(problems.contains("HTTPRoute shop/flaky: spec.rules[1].retry.codes[0]: 200 is not a status from 400 to 599;"
                + " rule 1 is not served"), problems.toString());
        assertTrue(problems.contains("HTTPRoute shop/flaky: spec.rules[1].retry.attempts: -1 is negative; rule 1 is not served"),
                problems.toString());
        assertTrue(problems.contains("HTTPRoute shop/flaky: spec.rules[3].retry.attempts: 1000 is more than Jingress makes:"
                + " a request is retried at most 100 times"), problems.toString());
        assertTrue(problems.contains("HTTPRoute shop/flaky: spec.rules[1].retry.backoff: \"soon\" is not a Gateway API"
                + " duration (such as 10s, 1m30s or 500ms); rule 1 is not served"), problems.toString());
    }

    @Test
    void aRulesTimeoutsAreServedAndABadDurationDropsOnlyItsRule() throws Exception {
        String route = """
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: slow, namespace: shop}
                spec:
                  parentRefs: [{name: web, namespace: infra}]
                  hostnames: [slow.example.com]
                  rules:
                  - matches: [{path: {type: PathPrefix, value: /report}}]
                    timeouts: {request: 1m30s, backendRequest: 1500ms}
                    backendRefs: [{name: web, port: 80}]
                  - matches: [{path: {type: PathPrefix, value: /bad}}]
                    timeouts: {request: 10 s}
                    backendRefs: [{name: web, port: 80}]
                  - matches: [{path: {type: PathPrefix, value: /upside-down}}]
                    timeouts: {request: 5s, backendRequest: 10s}
                    backendRefs: [{name: web, port: 80}]
                  - matches: [{path: {type: PathPrefix, value: /}}]
                    timeouts: {request: 0s}
                    backendRefs: [{name: web, port: 80}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: web, namespace: shop}
                spec:
                  ports: [{name: http, port: 80, targetPort: 8080}]
                """;
        Files.writeString(dir.resolve("gateway.yaml"), GATEWAY);
        Files.writeString(dir.resolve("route.yaml"), route);
        RouteExplainer explainer = RouteExplainer.fromManifests(dir);

        RouteExplanation report = explainer.explain("GET", "http://slow.example.com/report");
        assertTrue(report.policy().contains("answered 504 when not done 90 s after it is sent on (timeouts.request)"),
                report.policy().toString());
        assertTrue(report.policy().contains("a try at an endpoint ends after 1.5 s (timeouts.backendRequest)"),
                report.policy().toString());
        // 0s turns the timeout off; the rules refused fall through to it
        assertEquals(List.of(), explainer.explain("GET", "http://slow.example.com/").policy());
        assertEquals(3, explainer.explain("GET", "http://slow.example.com/bad").ruleIndex());
        assertEquals(3, explainer.explain("GET", "http://slow.example.com/upside-down").ruleIndex());
        List<String> problems = explainer.problems().stream().map(Problem::toString).toList();
        assertTrue(problems.contains("HTTPRoute shop/slow: spec.rules[1].timeouts.request: \"10 s\" is not a Gateway API"
                + " duration (such as 10s, 1m30s or 500ms); rule 1 is not served"), problems.toString());
        assertTrue(problems.contains("HTTPRoute shop/slow: spec.rules[2].timeouts.backendRequest: 10s is longer than"
                + " timeouts.request 5s; rule 2 is not served"), problems.toString());
    }

    @Test
    void aCorsFilterIsServedAndABadOriginDropsOnlyItsRule() throws Exception {
        String route = """
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: api, namespace: shop}
                spec:
                  parentRefs: [{name: web, namespace: infra}]
                  hostnames: [api.example.com]
                  rules:
                  - matches: [{path: {type: PathPrefix, value: /v1}}]
                    filters:
                    - type: CORS
                      cors: {allowOrigins: ["https://app.example.com", "https://*.example.org"], allowCredentials: true,
                             allowMethods: [GET, POST], maxAge: 60}
                    backendRefs: [{name: web, port: 80}]
                  - matches: [{path: {type: PathPrefix, value: /bad}}]
                    filters:
                    - type: CORS
                      cors: {allowOrigins: ["app.example.com"], allowMethods: ["*", GET]}
                    backendRefs: [{name: web, port: 80}]
                  - backendRefs: [{name: web, port: 80}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: web, namespace: shop}
                spec:
                  ports: [{name: http, port: 80, targetPort: 8080}]
                """;
        Files.writeString(dir.resolve("gateway.yaml"), GATEWAY);
        Files.writeString(dir.resolve("route.yaml"), route);
        RouteExplainer explainer = RouteExplainer.fromManifests(dir);

        assertEquals(List.of("CORS for https://app.example.com, https://*.example.org (CORS filter)"),
                explainer.explain("GET", "http://api.example.com/v1/items").policy());
        assertEquals(2, explainer.explain("GET", "http://api.example.com/bad").ruleIndex());
        List<String> problems = explainer.problems().stream().map(Problem::toString).toList();
        assertTrue(problems.contains("HTTPRoute shop/api: spec.rules[1].filters[0].cors.allowOrigins[0]: \"app.example.com\""
                + " is not an origin (scheme://host[:port], the host's first label may be *) nor *; rule 1 is not served"),
                problems.toString());
        assertTrue(problems.contains("HTTPRoute shop/api: spec.rules[1].filters[0].cors.allowMethods[0]: * must be the only"
                + " entry; rule 1 is not served"), problems.toString());
    }

    @Test
    void aBackendTlsPolicyAndItsCaConfigMapAreReadFromTheFilesAndExplained() throws Exception {
        String ca = new String(GatewayApiManifestTest.class.getResourceAsStream("/upstream-ca.crt").readAllBytes(),
                java.nio.charset.StandardCharsets.US_ASCII).replace("\n", "\n      ");
        String files = """
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: vault, namespace: shop}
                spec:
                  parentRefs: [{name: web, namespace: infra}]
                  hostnames: [vault.example.com]
                  rules:
                  - backendRefs: [{name: vault, port: 8200}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: vault, namespace: shop}
                spec:
                  ports: [{name: https, port: 8200, targetPort: 8200}]
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata: {name: vault-1, namespace: shop, labels: {kubernetes.io/service-name: vault}}
                addressType: IPv4
                ports: [{name: https, port: 8200}]
                endpoints: [{addresses: [10.0.0.9], conditions: {ready: true}}]
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: BackendTLSPolicy
                metadata: {name: vault-tls, namespace: shop, creationTimestamp: "2026-01-01T00:00:00Z"}
                spec:
                  targetRefs: [{group: "", kind: Service, name: vault, sectionName: https}]
                  validation:
                    caCertificateRefs: [{group: "", kind: ConfigMap, name: vault-ca}]
                    hostname: vault.shop.svc
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: BackendTLSPolicy
                metadata: {name: late, namespace: shop, creationTimestamp: "2026-02-01T00:00:00Z"}
                spec:
                  targetRefs: [{group: "", kind: Service, name: vault, sectionName: https}]
                  validation:
                    wellKnownCACertificates: System
                    hostname: vault.example.com
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: vault-ca, namespace: shop}
                data:
                  ca.crt: |
                      %s
                ---
                apiVersion: gateway.networking.k8s.io/v1alpha3
                kind: BackendTLSPolicy
                metadata: {name: old, namespace: shop}
                spec:
                  targetRefs: [{group: "", kind: Service, name: vault}]
                  validation:
                    wellKnownCACertificates: System
                    hostname: vault.example.com
                """.formatted(ca.strip());
        Files.writeString(dir.resolve("gateway.yaml"), GATEWAY);
        Files.writeString(dir.resolve("vault.yaml"), files);
        RouteExplainer explainer = RouteExplainer.fromManifests(dir);

        RouteExplanation vault = explainer.explain("GET", "http://vault.example.com/v1/secret");
        assertTrue(vault.policy().contains("TLS to endpoints (BackendTLSPolicy shop/vault-tls): certificates verified"
                + " against the ca.crt of ConfigMap vault-ca, name vault.shop.svc, SNI vault.shop.svc"), vault.policy().toString());
        assertEquals(200, vault.status());
        assertTrue(vault.reason().contains("; spoken to over TLS (BackendTLSPolicy shop/vault-tls, certificate verified)"),
                vault.reason());
        Files.writeString(dir.resolve("vault.yaml"), files.replace("name: vault-ca}]", "name: gone-ca}]"));
        RouteExplanation refused = RouteExplainer.fromManifests(dir).explain("GET", "http://vault.example.com/v1/secret");
        assertEquals(502, refused.status());
        assertEquals("BackendTLSPolicy shop/vault-tls asks for TLS to the endpoints of shop/vault that cannot be done (the"
                + " CA certificates of BackendTLSPolicy shop/vault-tls cannot be used (spec.validation.caCertificateRefs[0]:"
                + " ConfigMap shop/gone-ca does not exist)): its requests are answered 502, and nothing is sent",
                refused.reason());
        List<String> problems = explainer.problems().stream().map(Problem::toString).toList();
        assertTrue(problems.contains("BackendTLSPolicy shop/late: spec.targetRefs: BackendTLSPolicy shop/vault-tls is older"
                + " (or first by name) and targets the same Service; this one applies to nothing"), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains("BackendTLSPolicy") && p.contains("v1alpha3")),
                problems.toString());
    }

    @Test
    void anExternalAuthFilterIsReadFromTheFilesAndExplained() throws Exception {
        String files = """
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: admin, namespace: shop}
                spec:
                  parentRefs: [{name: web, namespace: infra}]
                  hostnames: [admin.example.com]
                  rules:
                  - matches: [{path: {type: PathPrefix, value: /admin}}]
                    filters:
                    - type: ExternalAuth
                      externalAuth:
                        protocol: HTTP
                        backendRef: {name: oauth2-proxy, port: 4180}
                        http:
                          path: /oauth2/auth
                          allowedHeaders: [Cookie]
                          allowedResponseHeaders: [X-Auth-Request-User]
                    backendRefs: [{name: web, port: 80}]
                  - matches: [{path: {type: PathPrefix, value: /grpc-checked}}]
                    filters:
                    - type: ExternalAuth
                      externalAuth:
                        protocol: GRPC
                        backendRef: {name: oauth2-proxy, port: 4180}
                        grpc: {allowedHeaders: [Cookie]}
                    backendRefs: [{name: web, port: 80}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: web, namespace: shop}
                spec:
                  ports: [{name: http, port: 80, targetPort: 8080}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: oauth2-proxy, namespace: shop}
                spec:
                  ports: [{name: http, port: 4180, targetPort: 4180}]
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata: {name: oauth2-proxy-1, namespace: shop, labels: {kubernetes.io/service-name: oauth2-proxy}}
                addressType: IPv4
                ports: [{name: http, port: 4180}]
                endpoints: [{addresses: [10.0.0.7], conditions: {ready: true}}]
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata: {name: web-1, namespace: shop, labels: {kubernetes.io/service-name: web}}
                addressType: IPv4
                ports: [{name: http, port: 8080}]
                endpoints: [{addresses: [10.0.0.8], conditions: {ready: true}}]
                """;
        Files.writeString(dir.resolve("gateway.yaml"), GATEWAY);
        Files.writeString(dir.resolve("admin.yaml"), files);
        RouteExplainer explainer = RouteExplainer.fromManifests(dir);

        RouteExplanation admin = explainer.explain("GET", "http://admin.example.com/admin/users?page=2");
        assertEquals(200, admin.status());
        assertTrue(admin.reason().contains("; only if the authorization service shop/oauth2-proxy:4180 answers 200 to"
                + " /oauth2/auth/admin/users?page=2 (ExternalAuth filter: any other answer is passed to the client as it is;"
                + " no answer: 403)"), admin.reason());
        assertTrue(admin.policy().contains("external authorization by shop/oauth2-proxy:4180 at /oauth2/auth<path>"
                + " (ExternalAuth filter: only its 200 lets a request through; sent also cookie; upstream gets"
                + " x-auth-request-user from its answer)"), admin.policy().toString());
        List<String> problems = explainer.problems().stream().map(Problem::toString).toList();
        assertTrue(problems.contains("HTTPRoute shop/admin: spec.rules[1].filters[0].externalAuth.protocol: GRPC (Envoy's"
                + " ext_authz over gRPC) is not served by Jingress; HTTP is; rule 1 is not served"), problems.toString());
    }

    @Test
    void aGatewaysBackendClientCertificateIsReadFromTheFilesAndPresentedWithItsRoutesTls() throws Exception {
        java.util.function.Function<String, String> b64 = name -> {
            try {
                return java.util.Base64.getEncoder().encodeToString(
                        GatewayApiManifestTest.class.getResourceAsStream("/" + name).readAllBytes());
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        };
        String ca = new String(GatewayApiManifestTest.class.getResourceAsStream("/upstream-ca.crt").readAllBytes(),
                java.nio.charset.StandardCharsets.US_ASCII).replace("\n", "\n      ");
        String files = """
                apiVersion: gateway.networking.k8s.io/v1
                kind: GatewayClass
                metadata: {name: jingress}
                spec: {controllerName: jingress.io/gateway-controller}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: web, namespace: infra}
                spec:
                  gatewayClassName: jingress
                  tls:
                    backend:
                      clientCertificateRef: {name: gateway-client}
                  listeners:
                  - {name: http, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: All}}}
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: gateway-client, namespace: infra}
                type: kubernetes.io/tls
                data: {tls.crt: %s, tls.key: %s}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: vault, namespace: shop}
                spec:
                  parentRefs: [{name: web, namespace: infra}]
                  hostnames: [vault.example.com]
                  rules:
                  - backendRefs: [{name: vault, port: 8200}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: vault, namespace: shop}
                spec:
                  ports: [{name: https, port: 8200, targetPort: 8200}]
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: BackendTLSPolicy
                metadata: {name: vault-tls, namespace: shop}
                spec:
                  targetRefs: [{group: "", kind: Service, name: vault}]
                  validation:
                    caCertificateRefs: [{group: "", kind: ConfigMap, name: vault-ca}]
                    hostname: vault.shop.svc
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: vault-ca, namespace: shop}
                data:
                  ca.crt: |
                      %s
                """.formatted(b64.apply("upstream-client.crt"), b64.apply("upstream-client.key"), ca.strip());
        Files.writeString(dir.resolve("vault.yaml"), files);
        RouteExplainer explainer = RouteExplainer.fromManifests(dir);

        RouteExplanation vault = explainer.explain("GET", "http://vault.example.com/");
        assertTrue(vault.policy().stream().anyMatch(p -> p.endsWith(", client certificate of Secret infra/gateway-client"
                + " presented")), vault.policy().toString());
        List<String> problems = explainer.problems().stream().map(Problem::toString).toList();
        assertTrue(problems.stream().noneMatch(p -> p.startsWith("Gateway ")), "the Secret resolved: " + problems);
    }
}
