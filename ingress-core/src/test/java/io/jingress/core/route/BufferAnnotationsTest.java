package io.jingress.core.route;

import static io.jingress.core.model.HttpIngressPath.prefix;
import static io.jingress.core.route.Fixtures.backend;
import static io.jingress.core.route.Fixtures.compile;
import static io.jingress.core.route.Fixtures.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.jingress.core.model.Ingress;
import io.jingress.core.model.Problem;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * nginx's buffer and protocol annotations: a value Jingress serves as asked is no warning (Ingresses
 * written for ingress-nginx carry them), one it does otherwise is reported, and neither costs the
 * Ingress its routes.
 */
class BufferAnnotationsTest {
    private static final String NGINX = "nginx.ingress.kubernetes.io/";

    private static List<String> warnings(String... namesAndValues) {
        Ingress.Builder ingress = Ingress.builder("default", "shop").creationTimestamp(Instant.ofEpochSecond(1))
                .rule(rule("shop.example.com", prefix("/", backend("web"))));
        for (int i = 0; i < namesAndValues.length; i += 2) {
            ingress.annotation(namesAndValues[i], namesAndValues[i + 1]);
        }
        RouteTable table = compile(ingress.build());
        assertInstanceOf(Route.class, table.match("shop.example.com", "/cart"), "the Ingress still serves");
        return table.problems().stream()
                .peek(p -> assertEquals("default/shop", p.object()))
                .peek(p -> assertEquals(Problem.Severity.WARNING, p.severity()))
                .map(Problem::message).toList();
    }

    @Test
    void valuesThatAskForWhatJingressDoesAreNoWarning() {
        assertEquals(List.of(), warnings(
                NGINX + "proxy-buffering", "off",
                NGINX + "proxy-request-buffering", "off",
                NGINX + "proxy-buffer-size", "16k",
                NGINX + "proxy-buffers-number", "8",
                NGINX + "proxy-busy-buffers-size", "64k",
                NGINX + "proxy-max-temp-file-size", "0",
                NGINX + "client-body-buffer-size", "1m",
                NGINX + "proxy-http-version", "1.1",
                NGINX + "preserve-trailing-slash", "true"));
        assertEquals(List.of(), warnings("jingress.io/proxy-buffer-size", "32k", NGINX + "preserve-trailing-slash", "false"));
    }

    @Test
    void bufferingOnAndHttp10AreReportedAsNotImplemented() {
        assertEquals(List.of(
                NGINX + "proxy-buffering: \"on\" is not implemented: responses are streamed to the client as they"
                        + " arrive, not buffered",
                NGINX + "proxy-request-buffering: \"on\" is not implemented: request bodies are streamed to the"
                        + " endpoint as they arrive, not buffered first",
                NGINX + "proxy-http-version: \"1.0\" is not implemented: Jingress speaks HTTP/1.1 to endpoints"),
                warnings(NGINX + "proxy-buffering", "on", NGINX + "proxy-request-buffering", "on",
                        NGINX + "proxy-http-version", "1.0"));
    }

    @Test
    void aBufferSizeLargerThanTheResponseHeadJingressReadsIsReported() {
        assertEquals(List.of(NGINX + "proxy-buffer-size: \"64k\" is more than Jingress reads of an endpoint's response"
                + " head (32 KiB): a larger head is answered 502"), warnings(NGINX + "proxy-buffer-size", "64k"));
    }

    @Test
    void badValuesAreReportedByAnnotationAndValue() {
        assertEquals(List.of(
                NGINX + "proxy-buffering: \"Off\" is neither on nor off",
                NGINX + "proxy-buffer-size: \"16kb\" is not a size (bytes, or a number with k, m or g, such as 16k)",
                NGINX + "client-body-buffer-size: \"big\" is not a size (bytes, or a number with k, m or g, such as 8k)",
                NGINX + "proxy-buffers-number: \"four\" is not a number",
                NGINX + "proxy-http-version: \"2\" is neither 1.0 nor 1.1",
                NGINX + "preserve-trailing-slash: \"yes\" is neither true nor false"),
                warnings(NGINX + "proxy-buffering", "Off", NGINX + "proxy-buffer-size", "16kb",
                        NGINX + "client-body-buffer-size", "big", NGINX + "proxy-buffers-number", "four",
                        NGINX + "proxy-http-version", "2", NGINX + "preserve-trailing-slash", "yes"));
    }
}
