package io.jingress.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code auth-tls-*} from manifest files: the Secret's {@code ca.crt} beside the Ingress is read, and
 * {@code --explain}, which sends no client certificate, says 400 for the host's every route, or 503
 * for an Ingress whose Secret cannot be used.
 */
class AuthTlsExplainTest {
    @TempDir
    Path dir;

    private static String ca() throws Exception {
        try (InputStream in = AuthTlsExplainTest.class.getResourceAsStream("/upstream-ca.crt")) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    private static String ingress(String name, String path, String annotations) {
        return """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: %s
                  namespace: shop
                  creationTimestamp: "2026-01-0%sT00:00:00Z"
                  annotations:
                %s
                spec:
                  ingressClassName: jingress
                  rules:
                  - host: secure.example.com
                    http:
                      paths:
                      - path: %s
                        pathType: Prefix
                        backend:
                          service:
                            name: web
                            port:
                              number: 80
                ---
                """.formatted(name, path.length(), annotations, path);
    }

    private static final String SERVICE = """
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
            """;

    @Test
    void aRequestWithoutACertificateIsExplainedAs400OnEveryRouteOfTheHost() throws Exception {
        String secret = """
                ---
                apiVersion: v1
                kind: Secret
                metadata:
                  name: client-ca
                  namespace: shop
                type: Opaque
                stringData:
                  ca.crt: |
                """ + ca().lines().map(line -> "    " + line + "\n").reduce("", String::concat);
        Files.writeString(dir.resolve("shop.yaml"), ingress("secure", "/",
                "    nginx.ingress.kubernetes.io/auth-tls-secret: client-ca")
                + ingress("other", "/api", "    jingress.io/enable-access-log: \"true\"") + SERVICE + secret);
        RouteExplainer explainer = RouteExplainer.fromManifests(dir);

        RouteExplanation e = explainer.explain("https://secure.example.com/");
        RouteExplanation other = explainer.explain("https://secure.example.com/api");

        assertEquals(400, e.status(), e.toString());
        assertTrue(e.toString().contains("the host asks for a client certificate"), e.toString());
        assertEquals(List.of("client certificates (auth-tls, per host): verify-client on, CA shop/client-ca ca.crt,"
                + " depth 1"), e.policy());
        assertEquals(400, other.status(), other.toString());
        assertEquals("shop/other", other.ingress());
    }

    @Test
    void aMissingSecretIsExplainedAs503OnEveryRouteOfTheHost() throws Exception {
        Files.writeString(dir.resolve("shop.yaml"), ingress("secure", "/",
                "    nginx.ingress.kubernetes.io/auth-tls-secret: client-ca")
                + ingress("other", "/api", "    jingress.io/enable-access-log: \"true\"") + SERVICE);
        RouteExplainer explainer = RouteExplainer.fromManifests(dir);

        RouteExplanation e = explainer.explain("https://secure.example.com/");
        RouteExplanation other = explainer.explain("https://secure.example.com/api");

        assertEquals(503, e.status(), e.toString());
        assertTrue(e.toString().contains("there is no Secret shop/client-ca"), e.toString());
        assertEquals(503, other.status(), other.toString());
        assertEquals("shop/other", other.ingress());
    }
}
