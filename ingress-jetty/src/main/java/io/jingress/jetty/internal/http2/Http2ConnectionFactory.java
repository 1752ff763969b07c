package io.jingress.jetty.internal.http2;

import java.io.EOFException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.jingress.jetty.internal.tls.TimedSslConnectionFactory;

import org.eclipse.jetty.http2.ErrorCode;
import org.eclipse.jetty.http2.api.Stream;
import org.eclipse.jetty.http2.api.server.ServerSessionListener;
import org.eclipse.jetty.http2.frames.ResetFrame;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's HTTP/2 server connections, with two fixes: a request whose stream Jetty itself resets is
 * failed, as one whose stream the client resets is; and over a {@link TimedSslConnectionFactory}
 * the request heads have a deadline, as HTTP/1 heads do.
 *
 * <p>Jetty resets a stream whose DATA run past its {@code Content-Length} (a malformed request,
 * RFC 9113 section 8.1.1), but does not tell the request: a handler waiting for the rest of the
 * body, or for its upstream, waited forever, past the stream's idle timeout (the stream is gone)
 * and the connection's close. Any client could leave such requests behind, each holding its
 * exchange and keeping a graceful stop waiting for its timeout. Here a stream closed after a reset
 * the client did not send fails its request with an {@link EOFException}, the failure a client's
 * reset brings.
 */
public final class Http2ConnectionFactory extends HTTP2ServerConnectionFactory {
    public Http2ConnectionFactory(HttpConfiguration configuration) {
        super(configuration);
        // Jetty's factory adds a customizer advertising an HTTP/3 listener (Alt-Svc) to every HTTP/2
        // answer; there is none here, and it would look for one on each request, in a configuration
        // an HTTPS listener shares with HTTP/1.1
        HttpConfiguration.Customizer altSvc = configuration.getCustomizer(AltSvcCustomizer.class);
        if (altSvc != null) {
            configuration.removeCustomizer(altSvc);
        }
    }

    @Override
    public Connection newConnection(Connector connector, EndPoint endPoint) {
        TimedSslConnectionFactory.timeHttp2Heads(endPoint);
        return super.newConnection(connector, endPoint);
    }

    @Override
    protected ServerSessionListener newSessionListener(Connector connector, EndPoint endPoint) {
        return new ResetFailingListener(endPoint);
    }

    private final class ResetFailingListener extends HTTPServerSessionListener {
        /** Streams whose request was told of their failure already (a client's reset, a failure frame). */
        private final Set<Integer> failed = ConcurrentHashMap.newKeySet();

        ResetFailingListener(EndPoint endPoint) {
            super(endPoint);
        }

        @Override
        public void onReset(Stream stream, ResetFrame frame, Callback callback) {
            failed.add(stream.getId());
            super.onReset(stream, frame, callback);
        }

        @Override
        public void onFailure(Stream stream, int error, String reason, Throwable failure, Callback callback) {
            failed.add(stream.getId());
            super.onFailure(stream, error, reason, failure, callback);
        }

        @Override
        public void onClosed(Stream stream) {
            if (!failed.remove(stream.getId()) && stream.isReset()) {
                super.onReset(stream, new ResetFrame(stream.getId(), ErrorCode.PROTOCOL_ERROR.code), Callback.NOOP);
            }
        }
    }
}
