package io.jingress.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code auth-type: basic} from manifest files: the Opaque Secret beside the Ingress is read (its
 * base64 {@code data}, or {@code stringData}), and {@code --explain}, which sends no credentials,
 * says 401 and names the setting, never a hash.
 */
class BasicAuthExplainTest {
    // base64 of "# staff\ndave:" + htpasswd -nbm dave 'correct horse' + "\ncarol:" + htpasswd -nbs carol 'correct horse' + "\n"
    private static final String AUTH_FILE = "IyBzdGFmZgpkYXZlOiRhcHIxJFpFeEdDQ1NQJGk5US5YU1Fya3ViYjJaSElGN2Jhci8KY2Fyb2w6e1NIQX1MNTVUVWp0aXE4"
            + "RkJvclRXQVowank2ZzEyOUE9Cg==";

    @TempDir
    Path dir;

    private static String ingress(String secret) {
        return """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: admin
                  namespace: shop
                  annotations:
                    nginx.ingress.kubernetes.io/auth-type: basic
                    nginx.ingress.kubernetes.io/auth-secret: %s
                    nginx.ingress.kubernetes.io/auth-realm: Staff only
                spec:
                  ingressClassName: jingress
                  rules:
                  - host: admin.example.com
                    http:
                      paths:
                      - path: /
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
                """.formatted(secret);
    }

    @Test
    void theSecretBesideTheIngressIsReadAndExplainSays401() throws Exception {
        Files.writeString(dir.resolve("admin.yaml"), ingress("staff") + """
                ---
                apiVersion: v1
                kind: Secret
                metadata:
                  name: staff
                  namespace: shop
                type: Opaque
                data:
                  auth: %s
                """.formatted(AUTH_FILE));
        RouteExplainer explainer = RouteExplainer.fromManifests(dir);

        RouteExplanation e = explainer.explain("http://admin.example.com/");

        assertEquals(401, e.status(), e.toString());
        assertEquals("shop/admin", e.ingress());
        assertEquals(List.of("basic auth, realm \"Staff only\", 2 users from Secret shop/staff"), e.policy());
        assertTrue(e.toString().contains("without a user's credentials the answer is 401"), e.toString());
        assertTrue(!e.toString().contains("$apr1$") && !e.toString().contains("{SHA}"), e.toString());
        assertEquals(List.of(), explainer.problems().stream().filter(p -> p.object().equals("shop/admin")
                && p.field().equals("metadata.annotations")).toList());
    }

    @Test
    void withSatisfyAnyExplainSaysAnAllowlistedClientNeedsNoPassword() throws Exception {
        String annotations = "    nginx.ingress.kubernetes.io/auth-realm: Staff only\n";
        Files.writeString(dir.resolve("admin.yaml"), ingress("staff").replace(annotations, annotations
                + "    nginx.ingress.kubernetes.io/satisfy: any\n"
                + "    nginx.ingress.kubernetes.io/allowlist-source-range: 10.0.0.0/8\n") + """
                ---
                apiVersion: v1
                kind: Secret
                metadata:
                  name: staff
                  namespace: shop
                stringData:
                  auth: "dave:$apr1$ZExGCCSP$i9Q.XSQrkubb2ZHIF7bar/"
                """);

        RouteExplanation e = RouteExplainer.fromManifests(dir).explain("http://admin.example.com/");

        assertEquals(401, e.status(), e.toString());
        assertTrue(e.toString().contains("without a user's credentials the answer is 401 (satisfy: any: a client whose"
                + " address the allowlist admits is let in without authentication)"), e.toString());
        assertTrue(e.policy().contains("clients the allowlist admits need no authentication, others must authenticate"
                + " (satisfy: any)"), e.policy().toString());
    }

    @Test
    void stringDataIsReadToo() throws Exception {
        Files.writeString(dir.resolve("admin.yaml"), ingress("staff") + """
                ---
                apiVersion: v1
                kind: Secret
                metadata:
                  name: staff
                  namespace: shop
                stringData:
                  auth: "dave:$apr1$ZExGCCSP$i9Q.XSQrkubb2ZHIF7bar/"
                """);

        RouteExplanation e = RouteExplainer.fromManifests(dir).explain("http://admin.example.com/");

        assertEquals(List.of("basic auth, realm \"Staff only\", 1 user from Secret shop/staff"), e.policy());
    }

    @Test
    void aMissingSecretOrOneOfAnotherTypeIsExplainedAs503AndReported() throws Exception {
        Files.writeString(dir.resolve("admin.yaml"), ingress("staff") + """
                ---
                apiVersion: v1
                kind: Secret
                metadata:
                  name: staff
                  namespace: shop
                type: kubernetes.io/basic-auth
                stringData:
                  username: dave
                  password: correct horse
                """);
        RouteExplainer explainer = RouteExplainer.fromManifests(dir);

        RouteExplanation e = explainer.explain("http://admin.example.com/");

        assertEquals(503, e.status(), e.toString());
        assertTrue(e.toString().contains("Secret shop/staff not found"), e.toString());
        assertTrue(explainer.problems().stream().anyMatch(p -> p.object().equals("shop/admin")
                && p.message().contains("there is no Opaque Secret shop/staff")), explainer.problems().toString());
        assertTrue(explainer.problems().stream().anyMatch(p -> p.object().equals("shop/staff")
                && p.message().contains("the users of auth-secret are read only from a Secret of that type")),
                explainer.problems().toString());
    }
}
