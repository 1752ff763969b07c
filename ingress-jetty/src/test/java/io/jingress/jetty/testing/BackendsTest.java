package io.jingress.jetty.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class BackendsTest {
    @RegisterExtension
    final Backends backends = new Backends();

    /** Everything the peer sent until it closed or reset the connection. */
    private static String readUntilClosed(Socket socket) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[1024];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                received.write(buffer, 0, n);
            }
        } catch (SocketException reset) {
            // a reset ends the connection as a close does
        }
        return received.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void aKilledBackendAnswersNotEvenTheRequestItWasServing() throws Exception {
        Backends.Echo echo = backends.start("echo");
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), echo.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("GET /hold HTTP/1.1\r\nHost: echo\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            assertTrue(echo.awaitHolding(10, TimeUnit.SECONDS), "the request reached the backend");

            echo.kill();

            // a process that died says nothing more: not the held request's answer, not an error page
            assertEquals("", readUntilClosed(socket));
        }
    }

    @Test
    void aKilledBackendSendsNoErrorPageForARequestItWasReadingAndRefusesConnections() throws Exception {
        Backends.Echo echo = backends.start("echo");
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), echo.port())) {
            socket.setSoTimeout(10_000);
            // half a request head: the server is reading it when it dies (a stopping Jetty server
            // answered it with a 500 error page, which a proxy passes on as the endpoint's answer)
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: ec".getBytes(StandardCharsets.ISO_8859_1));
            Await.until(() -> echo.openConnections() == 1, "the backend accepted the connection");

            echo.kill();

            assertEquals("", readUntilClosed(socket));
        }
        assertThrows(ConnectException.class, () -> new Socket(InetAddress.getLoopbackAddress(), echo.port()).close());
    }
}
