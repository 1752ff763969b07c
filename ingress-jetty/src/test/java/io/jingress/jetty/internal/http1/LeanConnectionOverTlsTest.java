package io.jingress.jetty.internal.http1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.jingress.jetty.internal.http2.Http2ConnectionFactory;
import io.jingress.jetty.internal.tls.TlsCertificates;
import io.jingress.jetty.testing.TlsTestServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Over TLS the lean connection serves HTTP/1.1 in place of Jetty's when the one customizer is a
 * {@link SecureRequestCustomizer} that checks nothing it could not: requests are secure and of
 * scheme https, as that customizer would make them. With SNI checked, Jetty's connection serves.
 */
class LeanConnectionOverTlsTest {
    private Server server;

    @AfterEach
    void stopServer() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    private int start(boolean sniHostCheck) throws Exception {
        return start(sniHostCheck, false);
    }

    /** With {@code http2}, the HTTP/2 factory shares the HTTP configuration, as on an HTTPS listener offering both. */
    private int start(boolean sniHostCheck, boolean http2) throws Exception {
        server = new Server();
        HttpConfiguration https = new HttpConfiguration();
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        secure.setSniHostCheck(sniHostCheck);
        https.addCustomizer(secure);
        LeanConnectionFactory lean = new LeanConnectionFactory(new HttpConnectionFactory(https));
        SslConnectionFactory tls = new SslConnectionFactory(TlsCertificates.create().sslContextFactory(), lean.getProtocol());
        ServerConnector connector = http2
                ? new ServerConnector(server, 1, 1, tls, lean, new Http2ConnectionFactory(https))
                : new ServerConnector(server, 1, 1, tls, lean);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract.NonBlocking() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                String text = request.getConnectionMetaData().getConnection().getClass().getSimpleName() + " "
                        + request.isSecure() + " " + request.getConnectionMetaData().isSecure() + " "
                        + request.getHttpURI().getScheme() + " " + request.getHttpURI().getHost();
                Content.Sink.write(response, true, text, callback);
                return true;
            }
        });
        server.start();
        return connector.getLocalPort();
    }

    private static String get(int port) throws Exception {
        SSLContext context = TlsTestServer.trustAll();
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            String line;
            String last = null;
            while ((line = in.readLine()) != null) {
                last = line;
            }
            return last;
        }
    }

    @Test
    void requestsOverTlsAreSecureHttpsRequestsOfTheLeanConnection() throws Exception {
        assertEquals("LeanConnection true true https a.test", get(start(false)));
    }

    @Test
    void anHttp2FactorySharingTheConfigurationLeavesHttp1RequestsToTheLeanConnection() throws Exception {
        // Jetty's HTTP/2 factory adds its Alt-Svc customizer to the configuration; ours takes it out
        assertEquals("LeanConnection true true https a.test", get(start(false, true)));
    }

    @Test
    void aCustomizerThatChecksSniLeavesTheConnectionToJetty() throws Exception {
        // Jetty refuses a Host that no certificate names when it checks SNI: 400, not the handler
        String answer = get(start(true));
        assertFalse(answer.startsWith("LeanConnection"), answer);
    }
}
