package io.jingress.k8s;

import static io.jingress.k8s.ApiObjects.ingress;
import static io.jingress.k8s.ApiObjects.service;
import static io.jingress.k8s.ApiObjects.slice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.jingress.core.route.RouteTable;
import io.jingress.k8s.internal.api.MockApiServer;
import org.junit.jupiter.api.Test;

class ApiServerOutageTest {

    @Test
    void theLastTableKeepsServingWhileTheApiServerIsDownAndChangesArePickedUpAfterItReturns() throws Exception {
        try (MockApiServer api = MockApiServer.start()) {
            KubernetesClient kube = api.client();
            kube.resource(ingress("shop", "web", "jingress", "shop.example.com", "web", 80)).create();
            kube.resource(service("shop", "web", 80, 8080)).create();
            kube.resource(slice("shop", "web", 8080, "10.0.0.1")).create();
            try (RoutedSource routed = new RoutedSource(api, AdapterOptions.defaults())) {
                routed.awaitServing();
                assertEquals("shop/web -> shop/web:80 READY [10.0.0.1:8080]", routed.describe("shop.example.com"));
                RouteTable before = routed.router.current();
                long swapsBefore = routed.router.swapCount();

                api.stop();
                // informers notice (their watches close) and keep retrying with backoff
                Await.until("the watches are seen closed", () -> !routed.source.isWatching());
                assertSame(before, routed.router.current(), "no table is swapped in while the API server is gone");
                assertEquals(swapsBefore, routed.router.swapCount());
                assertEquals("shop/web -> shop/web:80 READY [10.0.0.1:8080]", routed.describe("shop.example.com"));

                api.restart();
                Await.until("the watches are open again", routed.source::isWatching);
                kube.resource(ingress("shop", "new", "jingress", "new.example.com", "web", 80)).create();
                Await.until("a change after the restart is served",
                        () -> "shop/new".equals(routed.ingressFor("new.example.com")));
                assertEquals("shop/web -> shop/web:80 READY [10.0.0.1:8080]", routed.describe("shop.example.com"),
                        "what was served before the outage is still served");
            }
        }
    }

    @Test
    void changesMadeWhileTheWatchWasDownArePickedUpByAReListAfter410Gone() throws Exception {
        try (MockApiServer api = MockApiServer.start()) {
            KubernetesClient kube = api.client();
            kube.resource(ingress("shop", "web", "jingress", "shop.example.com", "web", 80)).create();
            kube.resource(ingress("shop", "old", "jingress", "old.example.com", "web", 80)).create();
            try (RoutedSource routed = new RoutedSource(api, AdapterOptions.defaults())) {
                routed.awaitServing();
                assertEquals("shop/old", routed.ingressFor("old.example.com"));

                api.stop();
                Await.until("the watches are seen closed", () -> !routed.source.isWatching());
                try (MockApiServer sibling = api.sibling()) {
                    // changes the source's watches cannot see: their server is down
                    sibling.client().resource(ingress("shop", "missed", "jingress", "missed.example.com", "web", 80))
                            .create();
                    sibling.client().network().v1().ingresses().inNamespace("shop").withName("old").delete();
                }
                api.answerNextWatchWithGone("/ingresses");
                api.restart();

                Await.until("the missed creation is served", () -> "shop/missed".equals(routed.ingressFor("missed.example.com")));
                Await.until("the missed deletion is applied", () -> routed.ingressFor("old.example.com") == null);
                assertEquals("shop/web", routed.ingressFor("shop.example.com"));
                assertTrue(api.goneAnswered(), "the informer's watch was answered with 410 Gone");
            }
        }
    }
}
