package io.jingress.k8s;

import static io.jingress.k8s.ApiObjects.ingress;
import static io.jingress.k8s.ApiObjects.service;
import static io.jingress.k8s.ApiObjects.slice;
import static io.jingress.k8s.ApiObjects.tlsSecret;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Secret;
import io.jingress.core.lb.Balancers;
import io.jingress.core.model.TlsSecret;
import io.jingress.core.route.RouteCompiler;
import io.jingress.core.route.Router;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --default-ssl-certificate}: the named TLS Secret reaches the table in both modes, from a
 * namespace that {@code --watch-namespace} leaves out too, and follows the Secret's changes.
 */
class DefaultCertificateSourceTest {
    private static final String SECRET = "ingress/wildcard-tls";

    @RegisterExtension
    final FreshApiServer cluster = new FreshApiServer();

    @TempDir
    Path dir;

    private static AdapterOptions options() {
        return AdapterOptions.builder().watchNamespaces(Set.of("shop")).defaultSslCertificate(SECRET).build();
    }

    private static RouteCompiler compiler() {
        return RouteCompiler.create(Balancers.create()).withDefaultCertificate(SECRET);
    }

    private static String certificateOf(Router router) {
        TlsSecret secret = router.current().defaultCertificate();
        return secret == null ? null : secret.certificateChainPem();
    }

    @Test
    void clusterModeWatchesTheSecretOutsideTheWatchedNamespacesAndFollowsIt() throws Exception {
        cluster.create(ingress("shop", "web", "jingress", "shop.example.com", "web", 80));
        cluster.create(service("shop", "web", 80, 8080));
        cluster.create(slice("shop", "web", 8080, "10.0.0.1"));
        cluster.create(tlsSecret("ingress", "other-tls", "OTHER", "KEY"));
        Router router = Router.create();
        try (KubernetesSource source = KubernetesSource.builder(RouteUpdater.builder().router(router).compiler(compiler()).build())
                .config(cluster.api().config()).options(options())
                .coalescing(Duration.ofMillis(20), Duration.ofMillis(500))
                .build().start()) {
            assertTrue(source.awaitServing(Await.DEFAULT));
            assertNull(certificateOf(router));
            assertTrue(router.current().problems().stream().anyMatch(p -> p.toString().startsWith(
                    "Secret ingress/wildcard-tls: the default certificate's Secret (of type kubernetes.io/tls) is not found")),
                    router.current().problems().toString());

            cluster.create(tlsSecret("ingress", "wildcard-tls", "CERT-1", "KEY"));
            Await.until("the created Secret is the default certificate", () -> "CERT-1".equals(certificateOf(router)));

            Secret rotated = tlsSecret("ingress", "wildcard-tls", "CERT-2", "KEY");
            cluster.kube().secrets().inNamespace("ingress").withName("wildcard-tls").edit(s -> rotated);
            Await.until("the rotated certificate", () -> "CERT-2".equals(certificateOf(router)));

            cluster.kube().secrets().inNamespace("ingress").withName("wildcard-tls").delete();
            Await.until("none once it is deleted", () -> certificateOf(router) == null);
            assertEquals("shop/web", ((io.jingress.core.route.Route) router.current().match("shop.example.com", "/")).ingress(),
                    "the routes serve throughout");
        }
    }

    @Test
    void fileModeReadsTheSecretFromTheManifestsWhateverNamespacesAreWatched() throws Exception {
        Files.writeString(dir.resolve("secret.yaml"), """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: wildcard-tls
                  namespace: ingress
                type: kubernetes.io/tls
                stringData:
                  tls.crt: CERT-1
                  tls.key: KEY
                """);
        Router router = Router.create();
        try (ManifestSource source = ManifestSource.builder().path(dir).router(router).compiler(compiler())
                .options(options()).debounce(Duration.ofMillis(50)).build().start()) {
            assertEquals("CERT-1", certificateOf(router), router.current().problems().toString());

            Files.writeString(dir.resolve("secret.yaml"), Files.readString(dir.resolve("secret.yaml")).replace("CERT-1", "CERT-2"));
            Await.until("the edited Secret", () -> "CERT-2".equals(certificateOf(router)));
        }
    }
}
