package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.jetty.testing.Backends;
import io.jingress.jetty.testing.Proxies;
import io.jingress.jetty.testing.RawHttp;
import io.jingress.jetty.testing.TestRoutes;

import java.util.List;

import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Paths with an encoded slash, as GitLab's API writes a project: routed only where both readings agree. */
class EncodedSlashTest {
    private static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";

    @RegisterExtension
    final Proxies proxies = new Proxies();
    @RegisterExtension
    final Backends backends = new Backends();

    // "/" open, "/admin" meant to be guarded, both served by the same application
    private IngressServer proxyTo(Backends.Raw app) {
        TestRoutes routes = TestRoutes.create()
                .route("app.test", "/", "site", app.port())
                .route("app.test", "/admin", "admin", app.port());
        return proxies.start(IngressServer.builder(routes.router()).httpsBindAddress("127.0.0.1").httpsPort(0));
    }

    private static String get(String target) {
        return "GET " + target + " HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n";
    }

    private static String requestLine(String head) {
        return head.substring(0, head.indexOf("\r\n"));
    }

    @Test
    void anEncodedSlashWithinARouteReachesTheBackendAsSent() throws Exception {
        Backends.Raw app = backends.startRaw(OK);
        IngressServer proxy = proxyTo(app);

        String lean = RawHttp.exchange(proxy.httpPort(), get("/api/v4/projects/group%2fproject?x=1"));
        String jettys = RawHttp.exchange(proxy.httpPort(), get("http://app.test/admin/repos/group%2Fproject"));

        assertEquals(200, RawHttp.status(lean), lean);
        assertEquals(200, RawHttp.status(jettys), jettys);
        List<String> heads = app.heads();
        assertEquals("GET /api/v4/projects/group%2Fproject?x=1 HTTP/1.1", requestLine(heads.get(0)));
        assertEquals("GET /admin/repos/group%2Fproject HTTP/1.1", requestLine(heads.get(1)));
    }

    @Test
    void anEncodedSlashTakesTheSameRouteOverHttp2() throws Exception {
        Backends.Raw app = backends.startRaw(OK);
        IngressServer proxy = proxyTo(app);

        ContentResponse response = proxies.http2Client()
                .newRequest("https://app.test:" + proxy.httpsPort() + "/api/v4/projects/group%2Fproject").send();

        assertEquals(200, response.getStatus(), response.getContentAsString());
        assertEquals("GET /api/v4/projects/group%2Fproject HTTP/1.1", requestLine(app.heads().get(0)));
    }

    @Test
    void anEncodedSlashThatWouldReachAnotherRouteDecodedIsRefused() throws Exception {
        Backends.Raw app = backends.startRaw(OK);
        IngressServer proxy = proxyTo(app);

        for (String target : List.of("/admin%2Fusers", "/%2Fadmin/users", "/x/..%2Fadmin", "/admin/x%2F..%2F..%2Fpublic")) {
            String response = RawHttp.exchange(proxy.httpPort(), get(target));
            assertEquals(400, RawHttp.status(response), target + ": " + response);
            assertTrue(response.contains("encoded slash (%2F)"), response);
        }
        assertEquals(List.of(), app.heads(), "nothing reached the backend");
    }
}
