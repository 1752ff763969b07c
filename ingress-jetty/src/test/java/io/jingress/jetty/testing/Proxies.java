package io.jingress.jetty.testing;

import java.util.ArrayList;
import java.util.List;

import io.jingress.jetty.IngressServer;

import org.eclipse.jetty.client.HttpClient;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts {@link IngressServer}s on 127.0.0.1 port 0 and a Jetty {@link HttpClient} for tests, and
 * stops them all after each test.
 *
 * <pre>{@code
 * @RegisterExtension final Proxies proxies = new Proxies();
 *
 * IngressServer proxy = proxies.start(IngressServer.builder(router));
 * ContentResponse response = proxies.client().newRequest("127.0.0.1", proxy.httpPort()).headers(h -> h.put("Host", "app.test")).send();
 * }</pre>
 */
public final class Proxies implements AfterEachCallback {
    private final List<IngressServer> servers = new ArrayList<>();
    private HttpClient client;

    /** Builds and starts {@code builder} with HTTP on 127.0.0.1:0 and the admin listener on 127.0.0.1:0. */
    public synchronized IngressServer start(IngressServer.Builder builder) {
        IngressServer server = builder.httpBindAddress("127.0.0.1").httpPort(0).adminPort(0).build();
        servers.add(server);
        return server.start();
    }

    /** A started client that follows no redirects and keeps no cookies. */
    public synchronized HttpClient client() {
        if (client == null) {
            HttpClient created = new HttpClient();
            created.setFollowRedirects(false);
            created.setHttpCookieStore(new org.eclipse.jetty.http.HttpCookieStore.Empty());
            try {
                created.start();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            client = created;
        }
        return client;
    }

    @Override
    public synchronized void afterEach(ExtensionContext context) throws Exception {
        // The client first: its idle keep-alive connections would hold up a graceful stop.
        if (client != null) {
            client.stop();
            client = null;
        }
        for (IngressServer server : servers) {
            if (server.isRunning()) {
                server.stop();
            }
        }
        servers.clear();
    }
}
