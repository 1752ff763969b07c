package io.jingress.k8s;

import static io.jingress.k8s.ApiObjects.ingress;
import static io.jingress.k8s.ApiObjects.service;
import static io.jingress.k8s.ApiObjects.slice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.jingress.core.route.BasicAuth;
import io.jingress.core.route.MatchResult;
import io.jingress.core.route.Route;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Cluster mode: the Opaque Secret an Ingress's {@code auth-secret} names is watched, and a change to
 * it changes who is let in on the next table; its deletion refuses every request (503).
 */
class BasicAuthSourceTest {
    // htpasswd -nbm dave 'correct horse'; htpasswd -nbs carol 'correct horse'
    private static final String DAVE = "dave:$apr1$ZExGCCSP$i9Q.XSQrkubb2ZHIF7bar/\n";
    private static final String CAROL = "carol:{SHA}L55TUjtiq8FBorTWAZ0jy6g129A=\n";

    @RegisterExtension
    final FreshApiServer cluster = new FreshApiServer();

    private static Secret users(String htpasswd) {
        return new SecretBuilder().withNewMetadata().withNamespace("shop").withName("staff").endMetadata()
                .withType("Opaque")
                .withData(Map.of("auth", Base64.getEncoder().encodeToString(htpasswd.getBytes(StandardCharsets.UTF_8))))
                .build();
    }

    private static String basic(String user) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":correct horse").getBytes(StandardCharsets.UTF_8));
    }

    private static BasicAuth auth(RoutedSource routed) {
        MatchResult result = routed.router.current().match("shop.example.com", "/");
        return result instanceof Route route ? route.policy().basicAuth() : null;
    }

    private static boolean lets(RoutedSource routed, String user) {
        BasicAuth auth = auth(routed);
        return auth != null && auth.check(basic(user)) == BasicAuth.Verdict.ALLOWED;
    }

    @Test
    void changingTheSecretChangesWhoIsLetIn() throws Exception {
        cluster.create(new IngressBuilder(ingress("shop", "web", "jingress", "shop.example.com", "web", 80))
                .editMetadata().addToAnnotations("nginx.ingress.kubernetes.io/auth-type", "basic")
                .addToAnnotations("nginx.ingress.kubernetes.io/auth-secret", "staff").endMetadata().build());
        cluster.create(service("shop", "web", 80, 8080));
        cluster.create(slice("shop", "web", 8080, "10.0.0.1"));
        cluster.create(users(DAVE));
        try (RoutedSource routed = new RoutedSource(cluster.api(), AdapterOptions.defaults())) {
            routed.awaitServing();
            Await.until("dave is let in", () -> lets(routed, "dave"));
            assertTrue(!lets(routed, "carol"));

            cluster.kube().secrets().inNamespace("shop").withName("staff").edit(s -> users(CAROL));
            Await.until("carol is let in", () -> lets(routed, "carol"));
            assertTrue(!lets(routed, "dave"), "dave left the Secret");

            cluster.kube().secrets().inNamespace("shop").withName("staff").delete();
            Await.until("every request is refused", () -> auth(routed) != null && auth(routed).refusesEveryRequest());
            assertEquals("Secret shop/staff not found", auth(routed).refusal());
            assertTrue(routed.router.current().problems().stream().anyMatch(p -> p.object().equals("shop/web")
                    && p.message().contains("there is no Opaque Secret shop/staff")), routed.router.current().problems().toString());
        }
    }
}
