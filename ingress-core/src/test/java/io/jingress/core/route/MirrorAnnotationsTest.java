package io.jingress.core.route;

import static io.jingress.core.route.Fixtures.backend;
import static io.jingress.core.route.Fixtures.compile;
import static io.jingress.core.route.Fixtures.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.core.model.HttpIngressPath;
import io.jingress.core.model.Ingress;
import io.jingress.core.model.Problem;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

class MirrorAnnotationsTest {
    private static final String NGINX = "nginx.ingress.kubernetes.io/";

    private static RouteTable table(String... annotations) {
        Ingress.Builder builder = Ingress.builder("default", "shop").creationTimestamp(Instant.ofEpochSecond(1));
        for (int i = 0; i < annotations.length; i += 2) {
            builder.annotation(NGINX + annotations[i], annotations[i + 1]);
        }
        return compile(builder.rule(rule("shop.example.com", HttpIngressPath.prefix("/", backend("web")))).build());
    }

    private static RequestMirror mirror(RouteTable table) {
        return assertInstanceOf(Route.class, table.match("shop.example.com", "/")).policy().mirror();
    }

    private static List<String> messages(RouteTable table) {
        return table.problems().stream().map(Problem::message).toList();
    }

    @Test
    void aTargetWithRequestUriIsFilledWithWhatTheClientAsked() {
        RouteTable table = table("mirror-target", "https://shadow.example.com:8443$request_uri");

        RequestMirror mirror = mirror(table);
        assertEquals("https://shadow.example.com:8443/cart?id=7", mirror.urlFor("/cart?id=7"));
        assertEquals("shadow.example.com", mirror.host(), "the target's host name, as ingress-nginx sends it");
        assertTrue(mirror.requestBody());
        assertEquals(List.of(), table.problems());
        assertEquals(List.of("copy of each request to https://shadow.example.com:8443$request_uri with Host"
                + " shadow.example.com (mirror-target)"), assertInstanceOf(Route.class,
                table.match("shop.example.com", "/")).policy().describe());
    }

    @Test
    void aTargetWithoutVariablesIsUsedAsWritten() {
        assertEquals("http://10.0.0.9/log", mirror(table("mirror-target", "http://10.0.0.9/log")).urlFor("/cart"));
    }

    @Test
    void requestBodyOffAndMirrorHostAreKept() {
        RouteTable table = table("mirror-target", "http://shadow$request_uri", "mirror-request-body", "off",
                "mirror-host", "test.example.com");

        RequestMirror mirror = mirror(table);
        assertFalse(mirror.requestBody());
        assertEquals("test.example.com", mirror.host());
        assertEquals(List.of(), table.problems());
    }

    @Test
    void aTargetThatIsNotAnAbsoluteHttpUrlMirrorsNothingAndIsReported() {
        for (String target : List.of("/mirror", "shadow.example.com", "ftp://shadow.example.com/", "http://$host$request_uri",
                "http://shadow$uri", "https:///x", "")) {
            RouteTable table = table("mirror-target", target);

            assertNull(mirror(table), target);
            assertEquals(List.of(NGINX + "mirror-target: \"" + target + "\" is not an absolute http or https URL with a"
                    + " host (its only variable may be $request_uri): requests are not mirrored"), messages(table));
            assertEquals(Problem.Severity.WARNING, table.problems().get(0).severity());
        }
    }

    @Test
    void aTargetWithAUserNameOrPasswordMirrorsNothingAndThePasswordIsNotLogged() {
        RouteTable table = table("mirror-target", "http://user:s3cr3t@shadow/$request_uri");

        assertNull(mirror(table));
        assertEquals(List.of(NGINX + "mirror-target: \"http://***@shadow/$request_uri\" is not an absolute http or https URL"
                + " with a host (its only variable may be $request_uri): requests are not mirrored"), messages(table));
    }

    @Test
    void badRequestBodyAndHostValuesFallBackToTheDefaults() {
        RouteTable table = table("mirror-target", "http://shadow.example.com$request_uri", "mirror-request-body", "no",
                "mirror-host", "a b");

        RequestMirror mirror = mirror(table);
        assertTrue(mirror.requestBody());
        assertEquals("shadow.example.com", mirror.host());
        assertEquals(List.of(NGINX + "mirror-request-body: \"no\" is neither \"on\" nor \"off\": the request body is mirrored",
                NGINX + "mirror-host: \"a b\" is not a host name: the mirror is sent Host shadow.example.com"), messages(table));
    }

    @Test
    void bodyAndHostWithoutATargetAreReportedAsHavingNoEffect() {
        RouteTable table = table("mirror-request-body", "off", "mirror-host", "x.example.com");

        assertNull(mirror(table));
        assertEquals(List.of(NGINX + "mirror-request-body: \"off\" has no effect without mirror-target: nothing is mirrored",
                NGINX + "mirror-host: \"x.example.com\" has no effect without mirror-target: nothing is mirrored"),
                messages(table));
    }
}
