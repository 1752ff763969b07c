package io.jingress.examples;

import io.jingress.core.lb.Balancers;
import io.jingress.core.model.ClusterState;
import io.jingress.core.model.EndpointSlice;
import io.jingress.core.model.HttpIngressPath;
import io.jingress.core.model.Ingress;
import io.jingress.core.model.IngressBackend;
import io.jingress.core.model.IngressRule;
import io.jingress.core.model.Service;
import io.jingress.core.route.RouteCompiler;
import io.jingress.core.route.Router;
import io.jingress.jetty.IngressServer;
import java.util.List;

/**
 * An application embedding Jingress with routes built in code, no Kubernetes: it sends
 * {@code shop.example.com} to the backends named on its command line, in turn, and answers
 * {@code /healthz}, {@code /metrics}, {@code /status} and {@code /routes} on 127.0.0.1:10254.
 *
 * <pre>
 * java -cp examples/target/jingress.jar io.jingress.examples.EmbeddedExample 8080 127.0.0.1:8081 127.0.0.1:8082
 * curl -H 'Host: shop.example.com' localhost:8080/
 * </pre>
 */
public final class EmbeddedExample {

    private EmbeddedExample() {
    }

    public static void main(String[] args) throws InterruptedException {
        IngressServer server = start(Integer.parseInt(args[0]), 10254, List.of(args).subList(1, args.length));
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        Thread.currentThread().join();
    }

    /**
     * Serves shop.example.com on {@code port} from {@code backends} ("ip:port"), with the admin
     * endpoints on 127.0.0.1:{@code adminPort} (0: any free port, for either).
     */
    public static IngressServer start(int port, int adminPort, List<String> backends) {
        // What a cluster would hold: a Service whose port 80 targets the Pods' port named "http",
        // the EndpointSlices listing the Pods, and an Ingress sending shop.example.com to the Service.
        ClusterState.Builder state = ClusterState.builder()
                .service(Service.of("default", "shop", Service.Port.of("http", 80, "http")))
                .ingress(Ingress.builder("default", "shop")
                        .rule(IngressRule.of("shop.example.com",
                                HttpIngressPath.prefix("/", IngressBackend.service("shop", 80))))
                        .build());
        for (int i = 0; i < backends.size(); i++) {
            String[] ipAndPort = backends.get(i).split(":");
            state.endpointSlice(new EndpointSlice("default", "shop-" + i, "shop", "IPv4",
                    List.of(EndpointSlice.Port.of("http", Integer.parseInt(ipAndPort[1]))),
                    List.of(EndpointSlice.Endpoint.ready(ipAndPort[0]))));
        }

        // Compile once per change and swap the table in; requests in flight keep the table they began
        // with. Keep one Balancers for all compiles: it carries round-robin positions and endpoint health.
        Router router = Router.create();
        router.swap(RouteCompiler.create(Balancers.create()).compile(state.build()));
        return IngressServer.builder(router).httpPort(port).adminPort(adminPort).build().start();
    }
}
