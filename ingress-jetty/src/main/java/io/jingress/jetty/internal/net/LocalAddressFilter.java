package io.jingress.jetty.internal.net;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.SocketAddressResolver;
import org.eclipse.jetty.util.component.AbstractLifeCycle;

/**
 * The name resolver of the proxy's {@link HttpClient}: Jetty's own ({@link SocketAddressResolver.Async},
 * a lookup off the selector threads, bounded by the client's address resolution timeout), without
 * the addresses {@link BackendAddresses#withoutLocal} drops from a DNS name's. A name left with
 * none fails the connect with {@link BackendAddresses.LocalAddressRefused}. IP literals go through
 * untouched.
 *
 * <pre>{@code
 * httpClient.setSocketAddressResolver(new LocalAddressFilter(httpClient));  // before the client starts
 * }</pre>
 *
 * <p>A bean of the client: it makes Jetty's resolver when the client starts, from the executor
 * and scheduler the client has by then (the client makes its default resolver only when none is set).
 */
public final class LocalAddressFilter extends AbstractLifeCycle implements SocketAddressResolver {
    private final HttpClient client;
    private volatile SocketAddressResolver lookup;

    public LocalAddressFilter(HttpClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    @Override
    protected void doStart() throws Exception {
        lookup = new SocketAddressResolver.Async(client.getExecutor(), client.getScheduler(),
                client.getAddressResolutionTimeout());
        super.doStart();
    }

    @Override
    public void resolve(String host, int port, Map<String, Object> context, Promise<List<InetSocketAddress>> promise) {
        SocketAddressResolver lookup = this.lookup;
        if (lookup == null) {
            promise.failed(new IllegalStateException("LocalAddressFilter is not started: set it on the HttpClient before it starts"));
            return;
        }
        if (BackendAddresses.isIpLiteral(host)) {
            lookup.resolve(host, port, context, promise);
            return;
        }
        lookup.resolve(host, port, context, new Promise<>() {
            @Override
            public void succeeded(List<InetSocketAddress> resolved) {
                List<InetSocketAddress> allowed;
                try {
                    allowed = BackendAddresses.withoutLocal(host, resolved);
                } catch (BackendAddresses.LocalAddressRefused refused) {
                    promise.failed(refused);
                    return;
                }
                promise.succeeded(allowed);
            }

            @Override
            public void failed(Throwable failure) {
                promise.failed(failure);
            }
        });
    }
}
