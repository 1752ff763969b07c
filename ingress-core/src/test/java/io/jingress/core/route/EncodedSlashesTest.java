package io.jingress.core.route;

import static io.jingress.core.model.HttpIngressPath.exact;
import static io.jingress.core.model.HttpIngressPath.prefix;
import static io.jingress.core.route.Fixtures.backend;
import static io.jingress.core.route.Fixtures.compile;
import static io.jingress.core.route.Fixtures.ingress;
import static io.jingress.core.route.Fixtures.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EncodedSlashesTest {
    // "/" and "/admin" of one app, as Ingresses write an authenticated part of a site; "/api" alone
    private final RouteTable table = compile(
            ingress("site", 0, rule("app.test", prefix("/", backend("web")), exact("/login/form", backend("web")))),
            ingress("admin", 1, rule("app.test", prefix("/admin", backend("web")))),
            ingress("api", 2, rule("api.test", prefix("/api/v4", backend("web")))));

    private String matched(String host, String rawPath) {
        String path = EncodedSlashes.normalize(rawPath, true);
        if (path == null) {
            return "refused";
        }
        MatchResult result = EncodedSlashes.match(table, host, path);
        return result instanceof Route route ? route.ingress() + " " + route.path() : result.toString();
    }

    @Test
    void anEncodedSlashInsideOneRoutesSegmentsIsRoutedAndKeptForTheBackend() {
        assertEquals("/api/v4/projects/group%2Fproject", EncodedSlashes.normalize("/api/v4/projects/group%2fproject", true));
        assertEquals("default/api /api/v4", matched("api.test", "/api/v4/projects/group%2Fproject"));
        assertEquals("default/api /api/v4", matched("api.test", "/api/v4/projects/group%2Fsub%2Fproject/issues"));
        assertEquals("default/site /", matched("app.test", "/files/a%2Fb"));
    }

    @Test
    void anEncodedSlashThatWouldEnterAnotherRouteDecodedIsRefused() {
        // raw, "admin%2Fusers" is a segment under "/"; a decoding backend serves /admin/users
        assertEquals("ENCODED_SLASH", matched("app.test", "/admin%2Fusers"));
        assertEquals("ENCODED_SLASH", matched("app.test", "/%2Fadmin"));
        assertEquals("ENCODED_SLASH", matched("app.test", "/login%2Fform"));
        // and the other way: decoded it leaves /api/v4, raw it is under it
        assertEquals("ENCODED_SLASH", matched("api.test", "/api%2Fv4/x"));
    }

    @ParameterizedTest
    @CsvSource({
        "/admin/x%2F..%2F..%2Fpublic",
        "/public/x%2F..%2Fadmin",
        "/a/..%2Fb",
        "/a/.%2Fb",
        "/a%2F.",
        "/a%2F..",
        "/a/%2F./b",
    })
    void anEncodedSlashThatMakesADotSegmentIsRefused(String rawPath) {
        assertEquals("ENCODED_SLASH", matched("app.test", rawPath));
    }

    @Test
    void pathsWithoutEncodedSlashesMatchAsTheTableDoes() {
        String path = EncodedSlashes.normalize("/admin/x", true);
        assertSame(table.match("app.test", path), EncodedSlashes.match(table, "app.test", path));
        assertEquals("NO_HOST", matched("other.test", "/a%2Fb"));
    }

    @Test
    void whatNormalizeRefusesOtherThanTheSlashStaysRefused() {
        assertNull(EncodedSlashes.normalize("/a%5Cb", true));
        assertNull(EncodedSlashes.normalize("/a%00b", true));
        assertNull(EncodedSlashes.normalize("/../a%2Fb", true));
        assertNull(RequestPaths.normalize("/a%2Fb", true), "the plain normalisation still refuses it");
    }

    @Test
    void theDecodedReadingMergesSlashes() {
        assertEquals("/a/b", EncodedSlashes.decoded("/a%2F%2Fb"));
        assertEquals("/a/b/", EncodedSlashes.decoded("/a%2Fb%2F"));
        assertNull(EncodedSlashes.decoded("/a%2F..%2Fb"));
        assertEquals("/a/..b/.c", EncodedSlashes.decoded("/a%2F..b%2F.c"));
    }
}
