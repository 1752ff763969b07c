package io.jingress.jetty.testing;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import io.jingress.jetty.IngressServer;

import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts {@link IngressServer}s on 127.0.0.1 port 0 and Jetty {@link HttpClient}s (HTTP/1.1, and
 * HTTP/2 over TLS) for tests, and stops them all after each test.
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
    private HttpClient http2Client;

    /** Builds and starts {@code builder} with HTTP on 127.0.0.1:0 and the admin listener on 127.0.0.1:0. */
    public synchronized IngressServer start(IngressServer.Builder builder) {
        IngressServer server = builder.httpBindAddress("127.0.0.1").httpPort(0).adminPort(0).build();
        servers.add(server);
        return server.start();
    }

    /** A started client that follows no redirects and keeps no cookies. */
    public synchronized HttpClient client() {
        if (client == null) {
            client = started(new HttpClient());
        }
        return client;
    }

    /**
     * A started HTTP/2 client over TLS (h2 by ALPN) that trusts any certificate, such as the proxy's
     * self-signed default, finds every name at 127.0.0.1 (so the authority is what routes), follows no
     * redirects and keeps no cookies. E.g.
     * {@code proxies.http2Client().newRequest("https://app.test:" + proxy.httpsPort() + "/").send()}.
     */
    public synchronized HttpClient http2Client() {
        if (http2Client == null) {
            ClientConnector connector = new ClientConnector();
            connector.setSslContextFactory(new SslContextFactory.Client(true));
            HttpClient created = new HttpClient(new HttpClientTransportOverHTTP2(new HTTP2Client(connector)));
            created.setSocketAddressResolver((host, port, context, promise) ->
                    promise.succeeded(List.of(new InetSocketAddress("127.0.0.1", port))));
            http2Client = started(created);
        }
        return http2Client;
    }

    private static HttpClient started(HttpClient created) {
        created.setFollowRedirects(false);
        created.setHttpCookieStore(new HttpCookieStore.Empty());
        try {
            created.start();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return created;
    }

    @Override
    public synchronized void afterEach(ExtensionContext context) throws Exception {
        // The clients first: their idle keep-alive connections would hold up a graceful stop.
        if (client != null) {
            client.stop();
            client = null;
        }
        if (http2Client != null) {
            http2Client.stop();
            http2Client = null;
        }
        for (IngressServer server : servers) {
            if (server.isRunning()) {
                server.stop();
            }
        }
        servers.clear();
    }
}
