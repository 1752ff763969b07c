package io.jingress.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.core.model.ClusterState;
import io.jingress.core.model.EndpointSlice;
import io.jingress.core.model.HttpIngressPath;
import io.jingress.core.model.Ingress;
import io.jingress.core.model.IngressBackend;
import io.jingress.core.model.IngressRule;
import io.jingress.core.model.Problem;
import io.jingress.core.model.Service;
import io.jingress.core.route.Route;
import io.jingress.core.route.RouteTable;
import io.jingress.core.route.Router;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouteUpdaterTest {

    private static ClusterState kubia(String path) {
        return ClusterState.builder()
                .ingress(Ingress.builder("default", "ingress-myapp")
                        .rule(IngressRule.of("myapp.kubia.com", HttpIngressPath.prefix(path, IngressBackend.service("kubia", 80))))
                        .build())
                .service(Service.of("default", "kubia", Service.Port.of(null, 80, 8080)))
                .endpointSlice(new EndpointSlice("default", "kubia-x", "kubia", "IPv4",
                        List.of(new EndpointSlice.Port(null, 8080, "TCP")),
                        List.of(EndpointSlice.Endpoint.ready("10.244.1.5"))))
                .build();
    }

    @Test
    void acceptedStateIsCompiledAndServedByTheRouter() {
        Router router = Router.create();
        RouteSink sink = RouteUpdater.create(router);

        sink.accept(kubia("/"), List.of());

        assertTrue(router.hasTable());
        Route route = assertInstanceOf(Route.class, router.current().match("myapp.kubia.com", "/anything"));
        assertEquals("default/ingress-myapp", route.ingress());
        assertEquals(List.of("10.244.1.5:8080"), route.backend().endpoints().stream().map(e -> e.id()).toList());
    }

    @Test
    void stateEqualToTheLastIsNeitherCompiledNorSwapped() {
        Router router = Router.create();
        RouteUpdater updater = RouteUpdater.create(router);

        RouteTable first = updater.update(kubia("/"), List.of());
        RouteTable second = updater.update(kubia("/"), List.of());

        assertSame(first, second);
        assertEquals(1, router.swapCount());
        assertEquals(1, updater.builds());

        updater.update(kubia("/api"), List.of());
        assertEquals(2, router.swapCount());
    }

    @Test
    void problemsAreTheSourcesThenTheTables() {
        Router router = Router.create();
        RouteUpdater updater = RouteUpdater.create(router);
        Problem fromSource = Problem.error("Ingress", "default/broken", "metadata.creationTimestamp", "not a time");
        ClusterState withInvalidPath = ClusterState.builder()
                .ingress(Ingress.builder("default", "bad")
                        .rule(IngressRule.of("x.example.com", HttpIngressPath.prefix("api", IngressBackend.service("s", 80))))
                        .build())
                .build();

        updater.update(withInvalidPath, List.of(fromSource));

        List<Problem> problems = updater.problems();
        assertEquals(fromSource, problems.get(0));
        assertTrue(problems.stream().anyMatch(p -> p.object().equals("default/bad")
                && p.field().equals("spec.rules[0].http.paths[0].path")), problems.toString());
        assertEquals(problems, router.current().problems(), "the served table lists them, for the admin port");
    }

    @Test
    void newSourceProblemsAloneSwapInTheSameRoutesWithThem() {
        Router router = Router.create();
        RouteUpdater updater = RouteUpdater.create(router);
        Problem broken = Problem.error("File", "/etc/jingress/app.yaml:3 (document 1)", "", "not valid YAML");

        RouteTable first = updater.update(kubia("/"), List.of());
        RouteTable second = updater.update(kubia("/"), List.of(broken));

        assertEquals(2, router.swapCount());
        assertEquals(1, updater.builds(), "compiled once");
        assertSame(second, router.current());
        assertEquals(first.routes(), second.routes());
        assertSame(first.routes().get(0), second.routes().get(0), "the same routes, balancers and all");
        assertEquals(List.of(broken), second.problems());
        assertInstanceOf(Route.class, second.match("myapp.kubia.com", "/x"));

        updater.update(kubia("/"), List.of(broken));
        assertEquals(2, router.swapCount(), "nothing new, nothing swapped");
        updater.update(kubia("/"), List.of());
        assertEquals(3, router.swapCount());
        assertEquals(List.of(), router.current().problems(), "the file was mended");
    }
}
