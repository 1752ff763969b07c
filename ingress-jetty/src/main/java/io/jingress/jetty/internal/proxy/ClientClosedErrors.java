package io.jingress.jetty.internal.proxy;

import io.jingress.jetty.internal.admin.ProxyMetrics;

import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * In front of the server's error handler: a request whose client went away before the proxy saw
 * it (an HTTP/2 stream reset at once, as in a rapid-reset burst) ends as 499 with nothing written,
 * as the proxy ends one whose client went away later, and is counted as such (without a route).
 * Jetty would answer it with its error page, as a 500, to nobody, and the proxy would not count it.
 */
final class ClientClosedErrors implements Request.Handler {
    private static final String COUNTED = "jingress.client.closed.counted";

    private final Request.Handler errors;
    private final ProxyMetrics metrics;

    ClientClosedErrors(Request.Handler errors, ProxyMetrics metrics) {
        this.errors = errors;
        this.metrics = metrics;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (!clientClosed(request.getAttribute(ErrorHandler.ERROR_EXCEPTION))) {
            return errors.handle(request, response, callback);
        }
        if (request.getAttribute(COUNTED) == null) {
            request.setAttribute(COUNTED, Boolean.TRUE);
            metrics.onRequestBegin();
            metrics.onRequest(null, request.getMethod(), Exchange.CLIENT_CLOSED_REQUEST, -1);
            metrics.onRequestEnd();
        }
        response.setStatus(Exchange.CLIENT_CLOSED_REQUEST);
        callback.succeeded();
        return true;
    }

    private static boolean clientClosed(Object cause) {
        for (Throwable t = cause instanceof Throwable failure ? failure : null; t != null; t = t.getCause()) {
            if (t instanceof EofException) {
                return true;
            }
        }
        return false;
    }
}
