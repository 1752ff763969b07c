package io.jingress.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.core.lb.Balancers;
import io.jingress.core.route.Route;
import io.jingress.core.route.RouteCompiler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * File mode and {@code --default-backend-service}: the Service and EndpointSlice documents of that
 * namespace and name are read whatever namespaces are watched; {@code --explain} says where an
 * unmatched request goes.
 */
class DefaultBackendServiceManifestTest {
    private static final String MANIFESTS = """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: shop
              namespace: shop
            spec:
              ingressClassName: jingress
              rules:
              - host: shop.example.com
                http:
                  paths:
                  - path: /app
                    pathType: Prefix
                    backend:
                      service:
                        name: web
                        port:
                          number: 80
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: web
              namespace: shop
            spec:
              ports:
              - name: http
                port: 80
                targetPort: 8080
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata:
              name: web-1
              namespace: shop
              labels:
                kubernetes.io/service-name: web
            addressType: IPv4
            ports:
            - name: http
              port: 8080
            endpoints:
            - addresses: ["10.0.0.1"]
              conditions:
                ready: true
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: default-http-backend
              namespace: ingress
            spec:
              ports:
              - name: http
                port: 80
                targetPort: 8080
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata:
              name: default-http-backend-1
              namespace: ingress
              labels:
                kubernetes.io/service-name: default-http-backend
            addressType: IPv4
            ports:
            - name: http
              port: 8080
            endpoints:
            - addresses: ["10.0.9.9"]
              conditions:
                ready: true
            """;

    @TempDir
    Path dir;

    private RouteExplainer explainer() throws Exception {
        Files.writeString(dir.resolve("all.yaml"), MANIFESTS);
        AdapterOptions options = AdapterOptions.builder().watchNamespaces(Set.of("shop"))
                .defaultBackendService("ingress/default-http-backend").build();
        return RouteExplainer.fromManifests(dir, options)
                .compiledWith(RouteCompiler.create(Balancers.create()).withDefaultBackendService("ingress/default-http-backend"));
    }

    @Test
    void anUnmatchedRequestIsExplainedAsGoingToTheService() throws Exception {
        RouteExplainer explainer = explainer();

        RouteExplanation unknown = explainer.explain("GET", "http://unknown.example.com/x");
        RouteExplanation unmatched = explainer.explain("GET", "http://shop.example.com/other");

        assertEquals(200, unknown.status(), unknown.toString());
        assertEquals(Route.KIND_SERVICE, unknown.kind());
        assertEquals("ingress/default-http-backend", unknown.ingress());
        assertEquals(java.util.List.of("10.0.9.9:8080"), unknown.endpoints());
        assertTrue(unknown.toString().contains("the default backend Service ingress/default-http-backend"
                + " (--default-backend-service): no rule matched"), unknown.toString());
        assertEquals(200, unmatched.status(), unmatched.toString());
        assertTrue(unmatched.toString().contains("none of the paths of host shop.example.com matched"), unmatched.toString());
        assertTrue(explainer.problems().isEmpty(), explainer.problems().toString());
    }

    @Test
    void withoutTheOptionTheServiceInAnUnwatchedNamespaceIsNotRead() throws Exception {
        Files.writeString(dir.resolve("all.yaml"), MANIFESTS);
        RouteExplainer explainer = RouteExplainer.fromManifests(dir, AdapterOptions.builder().watchNamespaces(Set.of("shop")).build())
                .compiledWith(RouteCompiler.create(Balancers.create()).withDefaultBackendService("ingress/default-http-backend"));

        RouteExplanation unknown = explainer.explain("GET", "http://unknown.example.com/x");

        assertEquals(404, unknown.status(), unknown.toString());
        assertTrue(explainer.problems().stream().anyMatch(p -> p.object().equals("ingress/default-http-backend")
                && p.message().contains("is not found")), explainer.problems().toString());
    }
}
