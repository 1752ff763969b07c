package io.jingress.k8s;

import static io.jingress.k8s.ApiObjects.ingress;
import static io.jingress.k8s.ApiObjects.ingressClass;
import static io.jingress.k8s.ApiObjects.opaqueSecret;
import static io.jingress.k8s.ApiObjects.service;
import static io.jingress.k8s.ApiObjects.slice;
import static io.jingress.k8s.ApiObjects.tlsSecret;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class KubernetesSourceTest {

    private static final String OURS = AdapterOptions.DEFAULT_CONTROLLER_CLASS;

    @RegisterExtension
    final FreshApiServer cluster = new FreshApiServer();

    @Test
    void servesWhatExistedBeforeItStartedOnceSynced() throws Exception {
        cluster.create(ingress("shop", "web", "jingress", "shop.example.com", "web", 80));
        cluster.create(service("shop", "web", 80, 8080));
        cluster.create(slice("shop", "web", 8080, "10.0.0.1"));
        try (RoutedSource routed = new RoutedSource(cluster.api(), AdapterOptions.defaults())) {
            routed.awaitServing();
            assertTrue(routed.source.isSynced());
            assertTrue(routed.router.hasTable());
            assertEquals("shop/web -> shop/web:80 READY [10.0.0.1:8080]", routed.describe("shop.example.com"));
        }
    }

    @Test
    void nothingIsServedUntilEveryInformerHasSyncedAndAFailingListIsRetried() throws Exception {
        cluster.create(ingress("shop", "web", "jingress", "shop.example.com", "web", 80));
        cluster.api().failLists("/endpointslices");
        try (RoutedSource routed = new RoutedSource(cluster.api(), AdapterOptions.defaults())) {
            Await.until("the EndpointSlice list failed twice", () -> cluster.api().failedLists() >= 2);
            assertFalse(routed.source.isSynced());
            assertFalse(routed.router.hasTable(), "a table was served before every informer had synced");
            assertEquals(0, routed.source.buildCount());

            cluster.api().healLists();
            routed.awaitServing();
            assertEquals("shop/web", routed.ingressFor("shop.example.com"));
        }
    }

    @Test
    void anEmptyClusterStillGetsATableSoHealthChecksPass() throws Exception {
        try (RoutedSource routed = new RoutedSource(cluster.api(), AdapterOptions.defaults())) {
            routed.awaitServing();
            assertTrue(routed.router.hasTable());
            assertTrue(routed.router.current().isEmpty());
        }
    }

    @Test
    void creatingChangingAndDeletingAnIngressMovesTheTable() throws Exception {
        cluster.create(service("shop", "web", 80, 8080));
        cluster.create(service("shop", "api", 80, 9090));
        try (RoutedSource routed = new RoutedSource(cluster.api(), AdapterOptions.defaults())) {
            routed.awaitServing();
            assertNull(routed.ingressFor("shop.example.com"));

            cluster.create(ingress("shop", "web", "jingress", "shop.example.com", "web", 80));
            Await.until("the new Ingress is served", () -> "shop/web".equals(routed.ingressFor("shop.example.com")));

            cluster.kube().network().v1().ingresses().inNamespace("shop").withName("web").edit(i -> new IngressBuilder(i)
                    .editSpec().editFirstRule().withHost("www.example.com").endRule().endSpec().build());
            Await.until("the changed host is served", () -> "shop/web".equals(routed.ingressFor("www.example.com")));
            assertNull(routed.ingressFor("shop.example.com"));

            cluster.kube().network().v1().ingresses().inNamespace("shop").withName("web").delete();
            Await.until("the deleted Ingress is gone", () -> routed.ingressFor("www.example.com") == null);
        }
    }

    @Test
    void aChangeWaitsForTheQuietPeriodThenIsServedByOneBuild() throws Exception {
        try (RoutedSource routed = new RoutedSource(cluster.api(), AdapterOptions.defaults(), b -> b.coalescing(
                Duration.ofMillis(100), Duration.ofSeconds(1)))) {
            routed.awaitServing();
            assertTrue(routed.source.lastLatency().isEmpty(), "the initial sync is not counted as change latency");
            long builds = routed.source.buildCount();
            long createdAt = System.nanoTime();
            cluster.create(ingress("shop", "web", "jingress", "shop.example.com", "web", 80));
            Await.until("the Ingress is served", () -> "shop/web".equals(routed.ingressFor("shop.example.com")));
            long servedAfterMillis = (System.nanoTime() - createdAt) / 1_000_000;
            Await.until("its build is counted", () -> routed.source.buildCount() > builds);
            assertEquals(builds + 1, routed.source.buildCount());
            Duration latency = routed.source.lastLatency().orElseThrow();
            assertTrue(latency.compareTo(Duration.ofMillis(100)) >= 0, "built before the quiet period ended: " + latency);
            System.out.printf("one change: the source's event-to-serving latency %d ms; seen served by the test"
                    + " %d ms after the create returned%n", latency.toMillis(), servedAfterMillis);
        }
    }

    @Test
    void servicesAndEndpointSlicesMoveTheBackend() throws Exception {
        cluster.create(ingress("shop", "web", "jingress", "shop.example.com", "web", 80));
        try (RoutedSource routed = new RoutedSource(cluster.api(), AdapterOptions.defaults())) {
            routed.awaitServing();
            assertEquals("shop/web -> shop/web:80 SERVICE_NOT_FOUND []", routed.describe("shop.example.com"));

            cluster.create(service("shop", "web", 80, 8080));
            Await.until("the Service is known", () -> routed.describe("shop.example.com").contains("NO_READY_ENDPOINTS"),
                    () -> routed.describe("shop.example.com"));

            cluster.create(slice("shop", "web", 8080, "10.0.0.1"));
            Await.until("the endpoint is used",
                    () -> "shop/web -> shop/web:80 READY [10.0.0.1:8080]".equals(routed.describe("shop.example.com")));

            cluster.kube().resource(slice("shop", "web", 8080, "10.0.0.1", "10.0.0.2")).update();
            Await.until("the second endpoint is used",
                    () -> routed.describe("shop.example.com").endsWith("[10.0.0.1:8080, 10.0.0.2:8080]"));

            cluster.kube().discovery().v1().endpointSlices().inNamespace("shop").withName("web-abc").delete();
            Await.until("no endpoints remain", () -> routed.describe("shop.example.com").contains("NO_READY_ENDPOINTS"));

            cluster.kube().services().inNamespace("shop").withName("web").delete();
            Await.until("the Service is gone", () -> routed.describe("shop.example.com").contains("SERVICE_NOT_FOUND"));
        }
    }

    @Test
    void onlyTlsSecretsReachTheTable() throws Exception {
        cluster.create(new IngressBuilder(ingress("shop", "web", "jingress", "shop.example.com", "web", 80))
                .editSpec().addNewTl().withHosts("shop.example.com").withSecretName("shop-tls").endTl().endSpec()
                .build());
        cluster.create(service("shop", "web", 80, 8080));
        try (RoutedSource routed = new RoutedSource(cluster.api(), AdapterOptions.defaults())) {
            routed.awaitServing();
            assertFalse(routed.router.current().certificates().containsKey("shop.example.com"));

            long builds = routed.source.buildCount();
            cluster.create(opaqueSecret("shop", "shop-tls"));
            cluster.create(tlsSecret("shop", "other-tls", "CERT-OTHER", "KEY-OTHER"));
            Await.until("the changes were built", () -> routed.source.buildCount() > builds);
            assertFalse(routed.router.current().certificates().containsKey("shop.example.com"),
                    "an Opaque Secret is no certificate");
            assertTrue(routed.router.current().problems().stream().map(Object::toString).anyMatch(p -> p.equals(
                    "Ingress shop/web: spec.tls[0].secretName: no secret shop/shop-tls of type kubernetes.io/tls;"
                            + " shop.example.com gets the default certificate")),
                    routed.router.current().problems().toString());

            cluster.kube().secrets().inNamespace("shop").withName("shop-tls").delete();
            Await.until("the Opaque Secret is deleted",
                    () -> cluster.kube().secrets().inNamespace("shop").withName("shop-tls").get() == null);
            cluster.create(tlsSecret("shop", "shop-tls", "CERT", "KEY"));
            Await.until("the certificate is served",
                    () -> routed.router.current().certificates().containsKey("shop.example.com"));
            assertEquals("CERT", routed.router.current().certificates().get("shop.example.com").certificateChainPem());

            cluster.kube().secrets().inNamespace("shop").withName("shop-tls").delete();
            Await.until("the certificate is gone",
                    () -> !routed.router.current().certificates().containsKey("shop.example.com"));
        }
    }

    @Test
    void ingressesOfAnotherClassAreIgnored() throws Exception {
        cluster.create(ingressClass("nginx", "k8s.io/ingress-nginx", false));
        cluster.create(ingress("shop", "theirs", "nginx", "theirs.example.com", "web", 80));
        cluster.create(ingress("shop", "ours", "jingress", "ours.example.com", "web", 80));
        cluster.create(ingress("shop", "classless", null, "classless.example.com", "web", 80));
        try (RoutedSource routed = new RoutedSource(cluster.api(), AdapterOptions.defaults())) {
            routed.awaitServing();
            assertEquals("shop/ours", routed.ingressFor("ours.example.com"));
            assertNull(routed.ingressFor("theirs.example.com"));
            assertNull(routed.ingressFor("classless.example.com"), "no default class, classless not watched");

            cluster.kube().network().v1().ingresses().inNamespace("shop").withName("theirs").edit(i -> new IngressBuilder(i)
                    .editSpec().withIngressClassName("jingress").endSpec().build());
            Await.until("the Ingress that moved to our class is served",
                    () -> "shop/theirs".equals(routed.ingressFor("theirs.example.com")));

            cluster.kube().network().v1().ingresses().inNamespace("shop").withName("ours").edit(i -> new IngressBuilder(i)
                    .editSpec().withIngressClassName("nginx").endSpec().build());
            Await.until("the Ingress that moved away is dropped", () -> routed.ingressFor("ours.example.com") == null);
        }
    }

    @Test
    void ourDefaultIngressClassTakesClasslessIngresses() throws Exception {
        cluster.create(ingress("shop", "classless", null, "classless.example.com", "web", 80));
        try (RoutedSource routed = new RoutedSource(cluster.api(), AdapterOptions.defaults())) {
            routed.awaitServing();
            assertNull(routed.ingressFor("classless.example.com"));

            cluster.create(ingressClass("jingress", OURS, true));
            Await.until("classless Ingresses are served once our class is the default",
                    () -> "shop/classless".equals(routed.ingressFor("classless.example.com")));

            cluster.kube().network().v1().ingressClasses().withName("jingress").delete();
            Await.until("and dropped when it is deleted", () -> routed.ingressFor("classless.example.com") == null);
        }
    }

    @Test
    void watchingIngressesWithoutClassServesThem() throws Exception {
        cluster.create(ingress("shop", "classless", null, "classless.example.com", "web", 80));
        cluster.create(ingress("shop", "theirs", "nginx", "theirs.example.com", "web", 80));
        AdapterOptions options = AdapterOptions.builder().watchIngressWithoutClass(true).build();
        try (RoutedSource routed = new RoutedSource(cluster.api(), options)) {
            routed.awaitServing();
            assertEquals("shop/classless", routed.ingressFor("classless.example.com"));
            assertNull(routed.ingressFor("theirs.example.com"));
        }
    }

    @Test
    void onlyWatchedNamespacesAreServed() throws Exception {
        cluster.create(ingress("shop", "web", "jingress", "shop.example.com", "web", 80));
        cluster.create(ingress("blog", "web", "jingress", "blog.example.com", "web", 80));
        cluster.create(ingress("other", "web", "jingress", "other.example.com", "web", 80));
        AdapterOptions options = AdapterOptions.builder().watchNamespaces(Set.of("shop", "blog")).build();
        try (RoutedSource routed = new RoutedSource(cluster.api(), options)) {
            routed.awaitServing();
            assertEquals("shop/web", routed.ingressFor("shop.example.com"));
            assertEquals("blog/web", routed.ingressFor("blog.example.com"));
            assertNull(routed.ingressFor("other.example.com"));

            cluster.create(ingress("blog", "news", "jingress", "news.example.com", "web", 80));
            cluster.create(ingress("other", "news", "jingress", "news2.example.com", "web", 80));
            Await.until("a new Ingress in a watched namespace is served",
                    () -> "blog/news".equals(routed.ingressFor("news.example.com")));
            assertNull(routed.ingressFor("news2.example.com"));
        }
    }
}
