package io.jingress.jetty.internal.http1;

import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.internal.HttpConnection;

/** Which HTTP/1 connections are part way through a request head, for {@code /status}'s "Reading". */
public final class RequestHeads {
    private RequestHeads() {
    }

    /**
     * Whether {@code connection} (a socket's first connection; over TLS the HTTP one inside is
     * looked at) has received part of a request head and waits for the rest, as nginx counts
     * "Reading" (the lean connection also while the short body it reads with a head is on its way). HTTP/2 connections never are: their requests' heads arrive whole, in frames. Read
     * without locking, so a gauge: a connection changing state meanwhile may be counted either way.
     */
    public static boolean beingRead(Connection connection) {
        if (connection instanceof SslConnection tls) {
            connection = tls.getSslEndPoint().getConnection();
        }
        if (connection instanceof LeanConnection lean) {
            return lean.readingRequestHead();
        }
        if (connection instanceof HttpConnection jetty) {
            HttpParser parser = jetty.getParser();
            return parser.inHeaderState() && !parser.isStart();
        }
        return false;
    }
}
