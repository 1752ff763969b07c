package io.jingress.core.route;

import static io.jingress.core.route.Fixtures.backend;
import static io.jingress.core.route.Fixtures.rule;
import static io.jingress.core.route.Fixtures.service;
import static io.jingress.core.route.Fixtures.slice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.core.lb.Balancers;
import io.jingress.core.model.ClusterState;
import io.jingress.core.model.HttpIngressPath;
import io.jingress.core.model.Ingress;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

/** {@code custom-http-errors}: the statuses whose answers the default-backend's error page replaces. */
class CustomHttpErrorsAnnotationTest {
    private static final String ERRORS = "nginx.ingress.kubernetes.io/custom-http-errors";
    private static final String DEFAULT_BACKEND = "nginx.ingress.kubernetes.io/default-backend";

    private static RouteTable compile(String errors, String defaultBackend) {
        Ingress.Builder ingress = Ingress.builder("default", "shop").creationTimestamp(Instant.ofEpochSecond(1))
                .annotation(ERRORS, errors)
                .rule(rule("app.example.com", HttpIngressPath.prefix("/", backend("app"))));
        if (defaultBackend != null) {
            ingress.annotation(DEFAULT_BACKEND, defaultBackend);
        }
        return RouteCompiler.create(Balancers.create()).compile(ClusterState.builder().ingress(ingress.build())
                .service(service("app")).endpointSlice(slice("app", "10.0.0.1"))
                .service(service("errors")).endpointSlice(slice("errors", "10.0.0.9")).build());
    }

    private static RoutePolicy policy(RouteTable table) {
        return ((Route) table.match("app.example.com", "/")).policy();
    }

    private static List<String> warnings(RouteTable table) {
        return table.problems().stream().filter(p -> p.field().equals("metadata.annotations"))
                .map(p -> p.severity() + " " + p.message()).toList();
    }

    @Test
    void theListedStatusesAreInterceptedAndNoOthers() {
        RouteTable table = compile("404, 503,404", "errors");

        FallbackBackend fallback = policy(table).fallback();
        assertEquals(List.of(404, 503), fallback.errorCodes());
        assertTrue(fallback.intercepts(404));
        assertTrue(fallback.intercepts(503));
        assertFalse(fallback.intercepts(500));
        assertFalse(fallback.intercepts(200));
        assertFalse(fallback.intercepts(-1));
        assertFalse(fallback.intercepts(1000));
        assertSame(RoutePolicy.NONE, fallback.errorPageRoute().policy(), "an error page takes none of the Ingress's policy");
        assertEquals("default/errors:80", fallback.errorPageRoute().backend().key());
        assertEquals(List.of("no ready endpoint: goes to default-backend default/errors:80",
                "answers 404, 503 replaced by the error page of default-backend default/errors:80 (custom-http-errors)"),
                policy(table).describe());
        assertEquals(List.of(), warnings(table));
    }

    @Test
    void aCodeThatIsNotAnErrorStatusIsReportedAndLeftOutTheOthersKept() {
        RouteTable table = compile("404,302,5xx,600,503", "errors");

        assertEquals(List.of(404, 503), policy(table).fallback().errorCodes());
        assertEquals(List.of(
                "WARNING " + ERRORS + ": \"404,302,5xx,600,503\": \"302\" is not a status from 400 to 599: it is left out",
                "WARNING " + ERRORS + ": \"404,302,5xx,600,503\": \"5xx\" is not a status from 400 to 599: it is left out",
                "WARNING " + ERRORS + ": \"404,302,5xx,600,503\": \"600\" is not a status from 400 to 599: it is left out"),
                warnings(table));
    }

    @Test
    void withoutADefaultBackendItHasNoEffectAndSaysSo() {
        RouteTable table = compile("404,503", null);

        assertSame(RoutePolicy.NONE, policy(table));
        assertEquals(List.of("WARNING " + ERRORS + ": \"404,503\" has no effect without a Service to fetch the error pages"
                + " from (a default-backend, or the controller's --default-backend-service): the endpoints' answers pass"
                + " unchanged"), warnings(table));
    }

    @Test
    void withADefaultBackendThatIsNotFoundItHasNoEffectEither() {
        RouteTable table = compile("404", "nowhere");

        assertNull(policy(table).fallback());
        assertEquals(2, warnings(table).size(), warnings(table).toString());
        assertTrue(warnings(table).get(1).contains("has no effect without a Service to fetch the error pages"), warnings(table).toString());
    }
}
