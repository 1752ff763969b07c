package io.jingress.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The answers Jetty makes itself (a handler that fails, a request it refuses), as the client sees them. */
class PlainErrorsTest {

    private Server server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    private int start(Handler handler) throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setErrorHandler(IngressServer.plainErrors((String) null));
        server.setHandler(handler);
        server.start();
        return connector.getLocalPort();
    }

    private static String exchange(int port, String request) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private static String body(String response) {
        return response.substring(response.indexOf("\r\n\r\n") + 4);
    }

    @Test
    void aHandlerThatThrowsAnswers500WithoutTheExceptionsText() throws Exception {
        int port = start(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                throw new IllegalStateException("pool of backend 10.0.0.7:8080 exhausted, secret=hunter2");
            }
        });

        String response = exchange(port, "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");

        assertEquals("500 Internal Server Error\n", body(response), response);
    }

    @Test
    void aHandlerThatFailsItsCallbackAnswers500WithoutTheCausesText() throws Exception {
        int port = start(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                callback.failed(new IOException("connect to 10.0.0.7:8080 refused, internal detail"));
                return true;
            }
        });

        String response = exchange(port, "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");

        assertFalse(body(response).contains("10.0.0.7"), response);
        assertEquals("500 Internal Server Error\n", body(response), response);
    }

    @Test
    void aRequestJettyRefusesKeepsItsReason() throws Exception {
        int port = start(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                callback.succeeded();
                return true;
            }
        });

        String response = exchange(port, "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n");

        assertEquals("400 Bad Request: Duplicate Host Header\n", body(response), response);
    }
}
