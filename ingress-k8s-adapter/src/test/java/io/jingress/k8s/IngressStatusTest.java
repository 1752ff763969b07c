package io.jingress.k8s;

import static io.jingress.k8s.ApiObjects.ingress;
import static io.jingress.k8s.ApiObjects.ingressClass;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class IngressStatusTest {

    @RegisterExtension
    final FreshApiServer cluster = new FreshApiServer();

    @Test
    void theLeaderPublishesTheStatusAddressOnIngressesItServes() throws Exception {
        cluster.create(ingress("shop", "web", "jingress", "shop.example.com", "web", 80));
        cluster.create(ingress("shop", "theirs", "nginx", "theirs.example.com", "web", 80));
        AdapterOptions options = AdapterOptions.builder()
                .publishStatusAddresses(List.of("203.0.113.7,lb.example.com")).build();
        try (RoutedSource routed = new RoutedSource(cluster.api(), options)) {
            Await.until("status is written", () -> cluster.statusOf("shop", "web").equals(List.of("203.0.113.7", "lb.example.com")),
                    () -> cluster.statusOf("shop", "web").toString());
            assertEquals(List.of(), cluster.statusOf("shop", "theirs"), "an Ingress of another class is not touched");

            cluster.create(ingress("shop", "later", "jingress", "later.example.com", "web", 80));
            Await.until("a new Ingress gets it too",
                    () -> cluster.statusOf("shop", "later").equals(List.of("203.0.113.7", "lb.example.com")));
            assertTrue(routed.source.isLeader());
        }
    }

    @Test
    void aStatusSomeoneElseOverwritesIsWrittenBackWithoutAnyOtherChange() throws Exception {
        cluster.create(ingress("shop", "web", "jingress", "shop.example.com", "web", 80));
        AdapterOptions options = AdapterOptions.builder().publishStatusAddresses(List.of("203.0.113.7")).build();
        try (RoutedSource routed = new RoutedSource(cluster.api(), options)) {
            Await.until("status is written", () -> cluster.statusOf("shop", "web").equals(List.of("203.0.113.7")));

            // kubectl edit --subresource=status, a restored backup, or a controller of the old class
            cluster.kube().network().v1().ingresses().inNamespace("shop").withName("web").editStatus(i -> new IngressBuilder(i)
                    .editStatus().editLoadBalancer().withIngress(List.of()).addNewIngress().withIp("10.9.9.9").endIngress()
                    .endLoadBalancer().endStatus().build());
            Await.until("our address is written back", () -> cluster.statusOf("shop", "web").equals(List.of("203.0.113.7")),
                    () -> cluster.statusOf("shop", "web").toString());
        }
    }

    @Test
    void aControllerThatKeepsOverwritingTheStatusGetsOneCorrectionPerWriteRetryDelayNotOnePerWrite() throws Exception {
        cluster.create(ingress("shop", "web", "jingress", "shop.example.com", "web", 80));
        AdapterOptions options = AdapterOptions.builder().publishStatusAddresses(List.of("203.0.113.7")).build();
        try (RoutedSource routed = new RoutedSource(cluster.api(), options)) {  // write retry 200 ms
            Await.until("status is written", () -> cluster.statusOf("shop", "web").equals(List.of("203.0.113.7")));
            long writesBefore = routed.source.statusWrites();

            long start = System.nanoTime();
            for (int i = 0; i < 30; i++) {
                String theirs = "10.9.9." + i;
                // a JSON patch without resourceVersion, as a controller that does not read first sends it
                cluster.kube().network().v1().ingresses().inNamespace("shop").withName("web").subresource("status")
                        .patch(PatchContext.of(PatchType.JSON),
                                "[{\"op\":\"replace\",\"path\":\"/status/loadBalancer/ingress\",\"value\":[{\"ip\":\"" + theirs + "\"}]}]");
                // the other controller writes every 60 ms (a pace, not a wait for anything)
                LockSupport.parkNanos(60_000_000L);
            }
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
            long corrections = routed.source.statusWrites() - writesBefore;
            assertTrue(corrections <= elapsedMillis / 200 + 2,
                    corrections + " corrections for 30 overwrites in " + elapsedMillis + " ms");
            Await.until("our address is written back after the last overwrite",
                    () -> cluster.statusOf("shop", "web").equals(List.of("203.0.113.7")),
                    () -> cluster.statusOf("shop", "web").toString());
        }
    }

    @Test
    void statusIsClearedWhenAnIngressLeavesOurClassButNeverOnOtherControllersIngresses() throws Exception {
        cluster.create(ingressClass("nginx", "k8s.io/ingress-nginx", false));
        cluster.create(ingress("shop", "web", "jingress", "shop.example.com", "web", 80));
        Ingress theirs = cluster.create(ingress("shop", "theirs", "nginx", "theirs.example.com", "web", 80));
        cluster.kube().network().v1().ingresses().inNamespace("shop").withName("theirs").editStatus(i -> new IngressBuilder(i)
                .withNewStatus().withNewLoadBalancer().addNewIngress().withIp("198.51.100.1").endIngress()
                .endLoadBalancer().endStatus().build());
        AdapterOptions options = AdapterOptions.builder().publishStatusAddresses(List.of("203.0.113.7")).build();
        try (RoutedSource routed = new RoutedSource(cluster.api(), options)) {
            Await.until("status is written", () -> cluster.statusOf("shop", "web").equals(List.of("203.0.113.7")));

            cluster.kube().network().v1().ingresses().inNamespace("shop").withName("web").edit(i -> new IngressBuilder(i)
                    .editSpec().withIngressClassName("nginx").endSpec().build());
            Await.until("status is cleared once the Ingress is another controller's",
                    () -> cluster.statusOf("shop", "web").isEmpty(), () -> cluster.statusOf("shop", "web").toString());
            assertEquals(List.of("198.51.100.1"), cluster.statusOf("shop", "theirs"));
            assertNotEquals(null, theirs);
        }
    }

    @Test
    void statusIsClearedWhenOurIngressClassIsDeleted() throws Exception {
        cluster.create(ingressClass("fast", AdapterOptions.DEFAULT_CONTROLLER_CLASS, false));
        cluster.create(ingress("shop", "web", "fast", "shop.example.com", "web", 80));
        AdapterOptions options = AdapterOptions.builder().publishStatusAddresses(List.of("203.0.113.7")).build();
        try (RoutedSource routed = new RoutedSource(cluster.api(), options)) {
            Await.until("status is written", () -> cluster.statusOf("shop", "web").equals(List.of("203.0.113.7")));
            cluster.kube().network().v1().ingressClasses().withName("fast").delete();
            Await.until("status is cleared with the class gone", () -> cluster.statusOf("shop", "web").isEmpty());
        }
    }

    @Test
    void thePublishServiceGivesTheAddressAndItsChangesFollow() throws Exception {
        cluster.create(new ServiceBuilder(ApiObjects.service("ingress", "jingress", 80, 8080))
                .editSpec().withType("LoadBalancer").endSpec().build());
        cluster.create(ingress("shop", "web", "jingress", "shop.example.com", "web", 80));
        AdapterOptions options = AdapterOptions.builder().publishService("ingress/jingress").build();
        try (RoutedSource routed = new RoutedSource(cluster.api(), options)) {
            routed.awaitServing();
            cluster.kube().services().inNamespace("ingress").withName("jingress").editStatus(s -> new ServiceBuilder(s)
                    .withNewStatus().withNewLoadBalancer().addNewIngress().withHostname("lb-1.example.net").endIngress()
                    .endLoadBalancer().endStatus().build());
            Await.until("the load balancer's name is published",
                    () -> cluster.statusOf("shop", "web").equals(List.of("lb-1.example.net")),
                    () -> cluster.statusOf("shop", "web").toString());

            cluster.kube().services().inNamespace("ingress").withName("jingress").editStatus(s -> new ServiceBuilder(s)
                    .withNewStatus().withNewLoadBalancer().addNewIngress().withIp("192.0.2.10").endIngress()
                    .endLoadBalancer().endStatus().build());
            Await.until("a new load balancer address replaces the old one",
                    () -> cluster.statusOf("shop", "web").equals(List.of("192.0.2.10")),
                    () -> cluster.statusOf("shop", "web").toString());
        }
    }

    @Test
    void aPublishServiceOutsideTheWatchedNamespacesIsFollowedToo() throws Exception {
        cluster.create(new ServiceBuilder(ApiObjects.service("ingress", "jingress", 80, 8080))
                .editSpec().withType("LoadBalancer").endSpec().build());
        cluster.create(ingress("shop", "web", "jingress", "shop.example.com", "web", 80));
        AdapterOptions options = AdapterOptions.builder().publishService("ingress/jingress")
                .watchNamespaces(Set.of("shop")).build();
        try (RoutedSource routed = new RoutedSource(cluster.api(), options)) {
            routed.awaitServing();
            // the load balancer's address comes after the start, and nothing in "shop" changes
            cluster.kube().services().inNamespace("ingress").withName("jingress").editStatus(s -> new ServiceBuilder(s)
                    .withNewStatus().withNewLoadBalancer().addNewIngress().withIp("192.0.2.20").endIngress()
                    .endLoadBalancer().endStatus().build());
            Await.until("the load balancer's address is published",
                    () -> cluster.statusOf("shop", "web").equals(List.of("192.0.2.20")),
                    () -> cluster.statusOf("shop", "web").toString());
        }
    }

    @Test
    void twoReplicasShareOneLeaseAndOnlyTheLeaderWritesStatus() throws Exception {
        for (int i = 0; i < 5; i++) {
            cluster.create(ingress("shop", "web-" + i, "jingress", "web" + i + ".example.com", "web", 80));
        }
        AdapterOptions options = AdapterOptions.builder().publishStatusAddresses(List.of("203.0.113.7")).build();
        try (RoutedSource a = new RoutedSource(cluster.api(), options, RoutedSource.replica("replica-a"));
                RoutedSource b = new RoutedSource(cluster.api(), options, RoutedSource.replica("replica-b"))) {
            a.awaitServing();
            b.awaitServing();
            Await.until("one replica leads", () -> a.source.isLeader() != b.source.isLeader());
            Await.until("every Ingress has status",
                    () -> java.util.stream.IntStream.range(0, 5).allMatch(i -> !cluster.statusOf("shop", "web-" + i).isEmpty()));
            // the writer counts a write once the API server has answered, so wait for the counters too
            Await.until("five writes are counted", () -> a.source.statusWrites() + b.source.statusWrites() >= 5);
            RoutedSource leader = a.source.isLeader() ? a : b;
            RoutedSource follower = leader == a ? b : a;
            assertEquals(5, leader.source.statusWrites());
            assertEquals(0, follower.source.statusWrites());
            assertEquals("shop/web-0", follower.ingressFor("web0.example.com"), "the follower routes too");
            assertEquals("shop/web-0", leader.ingressFor("web0.example.com"));
            Lease lease = cluster.kube().leases().inNamespace("default").withName(AdapterOptions.DEFAULT_ELECTION_ID).get();
            assertEquals(leader.source.identity(), lease.getSpec().getHolderIdentity());

            // the leader goes away: the other takes over and keeps status up to date
            leader.close();
            Await.until("the other replica takes over", follower.source::isLeader);
            cluster.create(ingress("shop", "after", "jingress", "after.example.com", "web", 80));
            Await.until("the new leader writes status", () -> cluster.statusOf("shop", "after").equals(List.of("203.0.113.7"))
                    && follower.source.statusWrites() >= 1);
            assertEquals(1, follower.source.statusWrites(), "the new leader rewrote statuses that were already right");
        }
    }

}
