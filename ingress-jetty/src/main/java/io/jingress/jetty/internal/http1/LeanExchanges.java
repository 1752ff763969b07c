package io.jingress.jetty.internal.http1;

import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

/** What a request log reads of an exchange the lean connection served, where Jetty's statics know only their own. */
public final class LeanExchanges {
    private LeanExchanges() {
    }

    /**
     * The body bytes read of {@code request} (or of the request it wraps) when the lean connection
     * read it, else {@link Request#getContentBytesRead}'s answer.
     */
    public static long contentBytesRead(Request request) {
        Request original = Request.unWrap(request);
        if (original instanceof LeanRequest lean) {
            return lean.contentBytesRead();
        }
        return Request.getContentBytesRead(request);
    }

    /**
     * The body of {@code request} (or of the request it wraps) when the lean connection read it
     * whole with its head, which then counts as read; else null, and the body, if any, is read as
     * any request's. The array is the request's own, not a copy: it must not be written to.
     */
    public static byte[] takeBufferedBody(Request request) {
        return Request.unWrap(request) instanceof LeanRequest lean ? lean.takeBody() : null;
    }

    /**
     * The body bytes written of {@code response} (or of the response it wraps) when the lean
     * connection wrote it, else {@link Response#getContentBytesWritten}'s answer.
     */
    public static long contentBytesWritten(Response response) {
        Response original = Response.getOriginalResponse(response);
        if (original instanceof LeanResponse lean) {
            return lean.contentBytesWritten();
        }
        return Response.getContentBytesWritten(response);
    }

    /**
     * Called once the body of {@code request} is all read (or it has none) and its answer awaited:
     * a client that closes its connection from now on fails the request at once, whatever
     * connection serves it. The lean connection and HTTP/2 notice that themselves; Jetty's HTTP/1
     * connection (one a lean connection handed over) reads nothing while a request is answered,
     * and is given a {@link CloseWatch}.
     */
    public static void watchForClose(Request request) {
        if (request.getConnectionMetaData().getConnection() instanceof LeanConnectionFactory.HeadTimedConnection jetty) {
            jetty.watchForClose(Request.unWrap(request));
        }
    }

    /**
     * Called when the exchange of {@code request} ends, before its completion is reported to the
     * connection: a watch begun by {@link #watchForClose} reads no more, so it never reads where
     * the connection does.
     */
    public static void stopWatching(Request request) {
        if (request.getConnectionMetaData().getConnection() instanceof LeanConnectionFactory.HeadTimedConnection jetty) {
            jetty.stopWatching(Request.unWrap(request));
        }
    }

    /**
     * The target of {@code request} as its client sent it, when Jetty's connection serves it (a
     * connection the lean connection handed over) and it is not in origin form: an absolute-form
     * {@code http://host/path?query}, of which Jetty's request keeps the path and query. Otherwise
     * null.
     */
    public static String targetNotOrigin(Request request) {
        Connection connection = request.getConnectionMetaData().getConnection();
        return connection instanceof LeanConnectionFactory.HeadTimedConnection jetty ? jetty.targetNotOrigin() : null;
    }

    /**
     * The head of {@code request} as its client sent it, when Jetty's connection serves it as the
     * first request of a connection the lean connection handed over (or refuses it): that is the
     * request the lean connection did not take, so the one most likely to be odd. Otherwise null.
     */
    public static HandedHead handedHead(Request request) {
        Connection connection = request.getConnectionMetaData().getConnection();
        return connection instanceof LeanConnectionFactory.HeadTimedConnection jetty ? jetty.firstHead() : null;
    }
}
