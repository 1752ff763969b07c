package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.TestRoutes;

import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** service-upstream: the request goes to the Service's ClusterIP and port (here a loopback backend), not to its Pods. */
class ServiceUpstreamEndToEndTest {
    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    private String answeredBy(Map<String, String> annotations) throws Exception {
        Backends.Echo clusterIp = backends.start("cluster-ip");
        Backends.Echo pod = backends.start("pod");
        TestRoutes routes = TestRoutes.create().routeWithClusterIp("app.test", "/", "app", annotations, clusterIp.port(), pod.port());
        IngressServer proxy = proxies.start(IngressServer.builder(routes.router()));
        ContentResponse response = proxies.client().newRequest("127.0.0.1", proxy.httpPort()).path("/")
                .headers(h -> h.put("Host", "app.test")).timeout(10, TimeUnit.SECONDS).send();
        assertEquals(200, response.getStatus());
        return response.getHeaders().get("X-Backend");
    }

    @Test
    void serviceUpstreamSendsToTheClusterIpAndPort() throws Exception {
        assertEquals("cluster-ip", answeredBy(Map.of("nginx.ingress.kubernetes.io/service-upstream", "true")));
    }

    @Test
    void withoutItTheEndpointsAnswer() throws Exception {
        assertEquals("pod", answeredBy(Map.of()));
    }
}
