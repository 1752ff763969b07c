package io.jingress.jetty.internal.proxy;

import io.jingress.core.route.BasicAuth;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.component.AbstractLifeCycle;

/**
 * HTTP basic authentication of a route's Ingress ({@code auth-type: basic}, {@link BasicAuth}): a
 * request without a user's credentials is answered 401 with {@code WWW-Authenticate: Basic
 * realm="..."} and reaches no endpoint; one that cannot be authenticated as the Ingress asks
 * (digest, a missing Secret...) is answered 503. A user's request goes on, without its
 * {@code Authorization} header ({@link ProxyHeaders}), as ingress-nginx sends it.
 *
 * <p>Where it runs: {@code RoutingProxy.handle} runs on the thread that read the request, for the
 * lean HTTP/1 path a selector thread (the handler is non-blocking). Checking a bcrypt or SHA-crypt
 * hash takes tens of milliseconds on purpose, so credentials not yet known good are checked on this
 * class's own few threads, and the request goes on from there ({@code RoutingProxy.resumeAfterAuth});
 * the other hashes, and credentials already found good, are checked in place. When more checks wait
 * than the queue holds, the request is answered 503 rather than queued without end.
 */
final class BasicAuthCheck extends AbstractLifeCycle {
    static final PlainResponses.Body UNAUTHORIZED = new PlainResponses.Body(HttpStatus.UNAUTHORIZED_401,
            "401 Unauthorized: this route asks for a user name and password\n");
    static final PlainResponses.Body CANNOT_AUTHENTICATE = new PlainResponses.Body(HttpStatus.SERVICE_UNAVAILABLE_503,
            "503 Service Unavailable: this route's authentication cannot be done as its Ingress asks\n");
    static final PlainResponses.Body TOO_MANY_CHECKS = new PlainResponses.Body(HttpStatus.SERVICE_UNAVAILABLE_503,
            "503 Service Unavailable: too many password checks waiting\n");
    private static final int QUEUE = 256;

    private final RoutingProxy proxy;
    private volatile ThreadPoolExecutor checks;  // made at the first slow check

    BasicAuthCheck(RoutingProxy proxy) {
        this.proxy = proxy;
    }

    /**
     * Whether the exchange was answered (401 or 503) or taken to be checked on another thread,
     * which then answers it or lets it go on; false: the client is a user, the request goes on here.
     */
    boolean answered(Exchange exchange, BasicAuth auth, Response proxyToClientResponse) {
        if (auth.refusesEveryRequest()) {
            PlainResponses.write(proxyToClientResponse, exchange, CANNOT_AUTHENTICATE);
            return true;
        }
        String authorization = exchange.getHeaders().get(HttpHeader.AUTHORIZATION);
        switch (auth.check(authorization)) {
            case ALLOWED:
                return false;
            case REFUSED:
                challenge(exchange, auth, proxyToClientResponse);
                return true;
            default:
                break;
        }
        try {
            executor().execute(() -> checkSlowly(exchange, auth, authorization, proxyToClientResponse));
        } catch (RejectedExecutionException e) {
            PlainResponses.write(proxyToClientResponse, exchange, TOO_MANY_CHECKS);
        }
        return true;
    }

    private void checkSlowly(Exchange exchange, BasicAuth auth, String authorization, Response proxyToClientResponse) {
        try {
            if (auth.verify(authorization)) {
                proxy.resumeAfterAuth(exchange);
            } else {
                challenge(exchange, auth, proxyToClientResponse);
            }
        } catch (Throwable failure) {
            exchange.failed(failure);
        }
    }

    private static void challenge(Exchange exchange, BasicAuth auth, Response proxyToClientResponse) {
        proxyToClientResponse.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, auth.challenge());
        PlainResponses.write(proxyToClientResponse, exchange, UNAUTHORIZED);
    }

    private ThreadPoolExecutor executor() {
        ThreadPoolExecutor executor = checks;
        if (executor == null) {
            synchronized (this) {
                executor = checks;
                if (executor == null) {
                    int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
                    AtomicInteger count = new AtomicInteger();
                    executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE),
                            task -> {
                                Thread thread = new Thread(task, "jingress-basic-auth-" + count.incrementAndGet());
                                thread.setDaemon(true);
                                return thread;
                            });
                    executor.allowCoreThreadTimeOut(true);
                    checks = executor;
                }
            }
        }
        return executor;
    }

    @Override
    protected void doStop() throws Exception {
        ThreadPoolExecutor executor = checks;
        if (executor != null) {
            executor.shutdownNow();
            checks = null;
        }
        super.doStop();
    }
}
