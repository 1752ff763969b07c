package io.jingress.examples.internal.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.core.lb.Balancers;
import io.jingress.core.lb.Endpoint;
import io.jingress.core.lb.PickContext;
import io.jingress.core.route.NoMatch;
import io.jingress.core.route.Route;
import io.jingress.core.route.RouteCompiler;
import io.jingress.core.route.RouteTable;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KubiaClusterTest {

    private static List<String> pickThrice(RouteTable table) {
        Route route = assertInstanceOf(Route.class, table.match("myapp.kubia.com", "/"));
        List<String> picked = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Endpoint endpoint = route.backend().balancer().pick(PickContext.NONE);
            picked.add(endpoint.id());
        }
        return picked;
    }

    private static List<String> ids(KubiaPods pods) {
        return pods.pods().stream().map(p -> p.address() + ":" + p.port()).toList();
    }

    @Test
    void theWalkthroughsIngressSendsMyappToTheThreePodsInTurn() throws Exception {
        try (KubiaPods pods = KubiaPods.start(KubiaPods.POD_ADDRESSES, 0, new Random(4))) {
            RouteTable table = RouteCompiler.create(Balancers.create()).compile(KubiaCluster.state(pods));
            assertEquals(List.of(), table.problems());
            List<String> picked = pickThrice(table);
            assertEquals(ids(pods).stream().sorted().toList(), picked.stream().sorted().toList());
            assertEquals(NoMatch.NO_HOST, table.match("localhost", "/"));
        }
    }

    @Test
    void podsThatFellBackToOneAddressAreStillThreeEndpoints() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.2"));
                KubiaPods pods = KubiaPods.start(KubiaPods.POD_ADDRESSES, taken.getLocalPort(), new Random(5))) {
            assertTrue(pods.fellBack());
            RouteTable table = RouteCompiler.create(Balancers.create()).compile(KubiaCluster.state(pods));
            assertEquals(List.of(), table.problems());
            assertEquals(ids(pods).stream().sorted().toList(), pickThrice(table).stream().sorted().toList());
        }
    }
}
