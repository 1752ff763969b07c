package io.jingress.examples.internal.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.k8s.RouteExplainer;
import io.jingress.k8s.RouteExplanation;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubiaManifestTest {

    @TempDir
    Path dir;

    private static List<String> ids(KubiaPods pods) {
        return pods.pods().stream().map(p -> p.address() + ":" + p.port()).sorted().toList();
    }

    private RouteExplainer explainer(KubiaPods pods) throws Exception {
        RouteExplainer explainer = RouteExplainer.fromManifests(KubiaManifest.write(pods, dir));
        assertEquals(List.of(), explainer.problems());
        return explainer;
    }

    @Test
    void theWalkthroughsIngressSendsMyappToTheThreePods() throws Exception {
        try (KubiaPods pods = KubiaPods.start(KubiaPods.POD_ADDRESSES, 0, new Random(4))) {
            RouteExplanation myapp = explainer(pods).explain("http://myapp.kubia.com/");
            assertEquals(200, myapp.status(), myapp::toString);
            assertEquals("default/ingress-myapp", myapp.ingress());
            assertEquals("default/kubia", myapp.service());
            assertEquals(ids(pods), myapp.endpoints().stream().sorted().toList());
            assertEquals(List.of("127.0.0.2", "127.0.0.3", "127.0.0.4"),
                    pods.pods().stream().map(KubiaPod::address).toList());
        }
    }

    @Test
    void aHostWithoutRuleIsNotRouted() throws Exception {
        try (KubiaPods pods = KubiaPods.start(KubiaPods.POD_ADDRESSES, 0, new Random(5))) {
            RouteExplanation other = explainer(pods).explain("http://localhost/");
            assertEquals(404, other.status());
            assertFalse(other.matched());
        }
    }

    @Test
    void podsThatFellBackToOneAddressAreStillThreeEndpoints() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.2"));
                KubiaPods pods = KubiaPods.start(KubiaPods.POD_ADDRESSES, taken.getLocalPort(), new Random(6))) {
            assertTrue(pods.fellBack());
            RouteExplanation myapp = explainer(pods).explain("http://myapp.kubia.com/");
            assertEquals(200, myapp.status(), myapp::toString);
            assertEquals(ids(pods), myapp.endpoints().stream().sorted().toList());
        }
    }
}
