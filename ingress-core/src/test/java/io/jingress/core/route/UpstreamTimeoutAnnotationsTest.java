package io.jingress.core.route;

import static io.jingress.core.model.HttpIngressPath.prefix;
import static io.jingress.core.route.Fixtures.backend;
import static io.jingress.core.route.Fixtures.compile;
import static io.jingress.core.route.Fixtures.ingress;
import static io.jingress.core.route.Fixtures.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.core.model.Ingress;
import io.jingress.core.model.Problem;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class UpstreamTimeoutAnnotationsTest {
    private static final String NGINX = "nginx.ingress.kubernetes.io/";

    private static RouteAnnotations.Parsed parse(Map<String, String> annotations) {
        return RouteAnnotations.parse(annotations);
    }

    @Test
    void secondsAsIngressNginxWritesThemSetTheRoutesTimeouts() {
        RouteAnnotations.Parsed parsed = parse(Map.of(
                NGINX + "proxy-connect-timeout", "5",
                NGINX + "proxy-read-timeout", " 120 "));

        assertEquals(List.of(), parsed.problems());
        assertEquals(5_000, parsed.policy().connectTimeoutMillis());
        assertEquals(120_000, parsed.policy().readTimeoutMillis());
        assertEquals(List.of("connect timeout 5 s, read timeout 120 s (proxy-*-timeout)"), parsed.policy().describe());
    }

    @Test
    void oneTimeoutAloneLeavesTheOtherToTheServer() {
        RouteAnnotations.Parsed parsed = parse(Map.of(NGINX + "proxy-read-timeout", "3600"));

        assertEquals(0, parsed.policy().connectTimeoutMillis(), "0: the server's connectTimeout");
        assertEquals(3_600_000, parsed.policy().readTimeoutMillis());
        assertEquals(List.of("read timeout 3600 s (proxy-read-timeout)"), parsed.policy().describe());
        assertEquals(List.of("connect timeout 2 s (proxy-connect-timeout)"),
                parse(Map.of(NGINX + "proxy-connect-timeout", "2")).policy().describe());
    }

    @Test
    void ourSpellingWinsOverIngressNginxs() {
        RouteAnnotations.Parsed parsed = parse(Map.of(
                NGINX + "proxy-read-timeout", "10",
                "jingress.io/proxy-read-timeout", "20"));

        assertEquals(20_000, parsed.policy().readTimeoutMillis());
    }

    @ParameterizedTest
    @ValueSource(strings = {"30s", "1m", "1.5", "", "ten", "+", "99999999999999999999", "9223372036854776"})
    void aValueThatIsNotWholeSecondsIsAProblemAndTheServersTimeoutApplies(String value) {
        RouteAnnotations.Parsed parsed = parse(Map.of(NGINX + "proxy-read-timeout", value));

        assertSame(RoutePolicy.NONE, parsed.policy());
        assertEquals(List.of(NGINX + "proxy-read-timeout: \"" + value + "\" is not a whole number of seconds "
                + "(ingress-nginx writes seconds without a unit, such as \"60\"): the server's readTimeout applies"),
                parsed.problems());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-5", "-0", "000"})
    void zeroOrANegativeNumberIsAProblemAndTheServersTimeoutApplies(String value) {
        RouteAnnotations.Parsed parsed = parse(Map.of(NGINX + "proxy-connect-timeout", value));

        assertSame(RoutePolicy.NONE, parsed.policy());
        assertEquals(List.of(NGINX + "proxy-connect-timeout: \"" + value + "\" is not more than 0 seconds "
                + "(ingress-nginx writes seconds without a unit, such as \"60\"): the server's connectTimeout applies"),
                parsed.problems());
    }

    @Test
    void aBadValueCostsOnlyItsOwnSetting() {
        RouteAnnotations.Parsed parsed = parse(Map.of(
                NGINX + "proxy-connect-timeout", "5s",
                NGINX + "proxy-read-timeout", "+90"));

        assertEquals(1, parsed.problems().size(), parsed.problems().toString());
        assertEquals(0, parsed.policy().connectTimeoutMillis());
        assertEquals(90_000, parsed.policy().readTimeoutMillis(), "Go's Atoi takes a sign, as ingress-nginx does");
    }

    @Test
    void theLargestValueWhoseMillisecondsFitIsTaken() {
        long largest = Long.MAX_VALUE / 1000;
        RouteAnnotations.Parsed parsed = parse(Map.of(NGINX + "proxy-read-timeout", Long.toString(largest)));

        assertEquals(List.of(), parsed.problems());
        assertEquals(largest * 1000, parsed.policy().readTimeoutMillis());
    }

    @Test
    void theIngressRoutesCarryTheTimeoutsAndABadValueIsAWarningOnItsAnnotations() {
        Ingress slow = Ingress.builder("default", "reports").creationTimestamp(Instant.ofEpochSecond(1))
                .annotation(NGINX + "proxy-read-timeout", "300")
                .annotation(NGINX + "proxy-connect-timeout", "30s")
                .rule(rule("reports.example.com", prefix("/", backend("web"))))
                .build();

        RouteTable table = compile(slow, ingress("plain", 2, rule("www.example.com", prefix("/", backend("web")))));

        Route reports = assertInstanceOf(Route.class, table.match("reports.example.com", "/export"));
        assertEquals(300_000, reports.policy().readTimeoutMillis());
        assertEquals(0, reports.policy().connectTimeoutMillis());
        assertSame(RoutePolicy.NONE, ((Route) table.match("www.example.com", "/")).policy());
        List<Problem> warnings = table.problems().stream().filter(p -> p.field().equals("metadata.annotations")).toList();
        assertEquals(1, warnings.size(), table.problems().toString());
        assertEquals(Problem.Severity.WARNING, warnings.get(0).severity());
        assertEquals("default/reports", warnings.get(0).object());
        assertTrue(warnings.get(0).message().startsWith(NGINX + "proxy-connect-timeout: \"30s\""), warnings.get(0).message());
    }

    @Test
    void proxySendTimeoutIsReportedAsNotImplemented() {
        Ingress ingress = Ingress.builder("default", "ws").creationTimestamp(Instant.ofEpochSecond(1))
                .annotation(NGINX + "proxy-send-timeout", "3600")
                .rule(rule("ws.example.com", prefix("/", backend("web"))))
                .build();

        List<String> messages = compile(ingress).problems().stream().map(Problem::message).toList();

        assertEquals(List.of(NGINX + "proxy-send-timeout is not implemented by Jingress: it has no effect"), messages);
    }
}
