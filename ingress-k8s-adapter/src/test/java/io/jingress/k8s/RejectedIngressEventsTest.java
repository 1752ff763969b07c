package io.jingress.k8s;

import static io.jingress.k8s.ApiObjects.ingress;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RejectedIngressEventsTest {

    @RegisterExtension
    final FreshApiServer cluster = new FreshApiServer();

    private List<Event> eventsOn(String ns, String name) {
        return cluster.kube().v1().events().inNamespace(ns).list().getItems().stream()
                .filter(e -> name.equals(e.getInvolvedObject().getName()))
                .toList();
    }

    private static Ingress withPath(Ingress ingress, String path) {
        return new IngressBuilder(ingress).editSpec().editFirstRule().editHttp().editFirstPath().withPath(path)
                .endPath().endHttp().endRule().endSpec().build();
    }

    @Test
    void aRejectedIngressGetsOneWarningEventPerDistinctProblemAndTheRestIsServed() throws Exception {
        cluster.create(ingress("shop", "good", "jingress", "good.example.com", "web", 80));
        Ingress bad = cluster.create(withPath(ingress("shop", "bad", "jingress", "bad.example.com", "web", 80), "foo"));
        try (RoutedSource routed = new RoutedSource(cluster.api(), AdapterOptions.defaults())) {
            routed.awaitServing();
            assertEquals("shop/good", routed.ingressFor("good.example.com"));
            assertNull(routed.ingressFor("bad.example.com"));

            Await.until("an Event is written", () -> eventsOn("shop", "bad").size() == 1);
            Event event = eventsOn("shop", "bad").get(0);
            assertEquals("Warning", event.getType());
            assertEquals("Rejected", event.getReason());
            assertEquals("Ingress", event.getInvolvedObject().getKind());
            assertEquals("networking.k8s.io/v1", event.getInvolvedObject().getApiVersion());
            assertEquals(bad.getMetadata().getUid(), event.getInvolvedObject().getUid());
            assertEquals("Ingress shop/bad: spec.rules[0].http.paths[0].path: \"foo\" must start with \"/\"",
                    event.getMessage());

            // more rebuilds with the same problem write no more Events
            long builds = routed.source.buildCount();
            for (int i = 0; i < 3; i++) {
                cluster.create(ingress("shop", "more-" + i, "jingress", "more" + i + ".example.com", "web", 80));
                int n = i;
                Await.until("Ingress more-" + i + " is served",
                        () -> ("shop/more-" + n).equals(routed.ingressFor("more" + n + ".example.com")));
            }
            Await.until("rebuilds happened", () -> routed.source.buildCount() >= builds + 3);

            // a different problem is a new Event
            cluster.kube().network().v1().ingresses().inNamespace("shop").withName("bad").edit(i -> withPath(i, "bar"));
            Await.until("a second Event for the new problem", () -> eventsOn("shop", "bad").size() == 2);
            assertEquals(1, eventsOn("shop", "bad").stream().filter(e -> e.getMessage().contains("\"bar\"")).count());
            assertEquals(1, eventsOn("shop", "bad").stream().filter(e -> e.getMessage().contains("\"foo\"")).count(),
                    "the first problem was reported once, though the table was rebuilt several times since");

            // fixed: served, and no more Events
            cluster.kube().network().v1().ingresses().inNamespace("shop").withName("bad").edit(i -> withPath(i, "/"));
            Await.until("the fixed Ingress is served", () -> "shop/bad".equals(routed.ingressFor("bad.example.com")));
            assertEquals(2, eventsOn("shop", "bad").size());
        }
    }

    @Test
    void anEditThatBreaksAWorkingIngressLeavesItsLastGoodVersionServingAndSaysSo() throws Exception {
        cluster.create(ingress("shop", "web", "jingress", "shop.example.com", "web", 80));
        AdapterOptions options = AdapterOptions.builder().publishStatusAddresses(List.of("203.0.113.7")).build();
        try (RoutedSource routed = new RoutedSource(cluster.api(), options)) {
            routed.awaitServing();
            Await.until("status is written", () -> !cluster.statusOf("shop", "web").isEmpty());

            cluster.kube().network().v1().ingresses().inNamespace("shop").withName("web").edit(i -> new IngressBuilder(
                    withPath(i, "foo")).editSpec().editFirstRule().withHost("new.example.com").endRule().endSpec().build());
            Await.until("an Event is written", () -> eventsOn("shop", "web").size() == 1);
            String message = eventsOn("shop", "web").get(0).getMessage();
            assertTrue(message.contains("\"foo\" must start with \"/\""), message);
            assertTrue(message.contains("still serving its last good version"), message);
            assertEquals("shop/web", routed.ingressFor("shop.example.com"), "the last good version still routes");
            assertNull(routed.ingressFor("new.example.com"));
            assertTrue(!cluster.statusOf("shop", "web").isEmpty(), "an Ingress still served keeps its status");
        }
    }

    @Test
    void onlyTheLeaderWritesEvents() throws Exception {
        cluster.create(withPath(ingress("shop", "bad", "jingress", "bad.example.com", "web", 80), "foo"));
        try (RoutedSource a = new RoutedSource(cluster.api(), AdapterOptions.defaults(), RoutedSource.replica("replica-a"));
                RoutedSource b = new RoutedSource(cluster.api(), AdapterOptions.defaults(), RoutedSource.replica("replica-b"))) {
            a.awaitServing();
            b.awaitServing();
            Await.until("one replica leads", () -> a.source.isLeader() != b.source.isLeader());
            Await.until("an Event is written", () -> !eventsOn("shop", "bad").isEmpty());
            String leader = a.source.isLeader() ? "replica-a" : "replica-b";
            // both replicas have built by now; only one Event exists, from the leader
            Await.until("both built", () -> a.source.buildCount() > 0 && b.source.buildCount() > 0);
            cluster.create(ingress("shop", "poke", "jingress", "poke.example.com", "web", 80));
            Await.until("both replicas rebuilt",
                    () -> "shop/poke".equals(a.ingressFor("poke.example.com"))
                            && "shop/poke".equals(b.ingressFor("poke.example.com")));
            List<Event> events = eventsOn("shop", "bad");
            assertEquals(1, events.size());
            assertEquals(leader, events.get(0).getReportingInstance());
        }
    }
}
