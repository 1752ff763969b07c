package io.jingress.k8s.internal.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngress;
import java.util.List;
import org.junit.jupiter.api.Test;

class PublishAddressesTest {

    private static List<String> show(List<IngressLoadBalancerIngress> list) {
        return list.stream().map(a -> a.getIp() != null ? "ip " + a.getIp() : "hostname " + a.getHostname()).toList();
    }

    private static ServiceBuilder service(String type) {
        return new ServiceBuilder().withNewMetadata().withNamespace("ingress").withName("jingress").endMetadata()
                .withNewSpec().withType(type).withClusterIP("10.96.0.10").endSpec();
    }

    @Test
    void aStatusAddressListSplitsIntoIpsAndHostnames() {
        assertEquals(List.of("ip 203.0.113.7", "hostname lb.example.com", "ip 2001:db8::1"),
                show(PublishAddresses.parse(" 203.0.113.7, lb.example.com,,2001:db8::1,203.0.113.7")));
        assertEquals(List.of(), show(PublishAddresses.parse(null)));
    }

    @Test
    void aLoadBalancerServicePublishesItsIngressThenItsExternalIps() {
        Service service = service("LoadBalancer")
                .editSpec().withExternalIPs("198.51.100.5").endSpec()
                .withNewStatus().withNewLoadBalancer()
                .addNewIngress().withHostname("lb-1.example.net").endIngress()
                .addNewIngress().withIp("192.0.2.10").endIngress()
                .endLoadBalancer().endStatus()
                .build();
        assertEquals(List.of("hostname lb-1.example.net", "ip 192.0.2.10", "ip 198.51.100.5"),
                show(PublishAddresses.fromService(service)));
    }

    @Test
    void withoutLoadBalancerOrExternalIpsTheClusterIpOrExternalNameIsPublished() {
        assertEquals(List.of("ip 10.96.0.10"), show(PublishAddresses.fromService(service("NodePort").build())));
        assertEquals(List.of("hostname proxy.example.org"), show(PublishAddresses.fromService(service("ExternalName")
                .editSpec().withClusterIP(null).withExternalName("proxy.example.org").endSpec().build())));
        assertEquals(List.of(), show(PublishAddresses.fromService(service("ClusterIP")
                .editSpec().withClusterIP("None").endSpec().build())), "a headless Service has no address");
        assertEquals(List.of(), show(PublishAddresses.fromService(null)));
    }
}
