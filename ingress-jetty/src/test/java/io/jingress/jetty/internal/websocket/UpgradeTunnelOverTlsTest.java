package io.jingress.jetty.internal.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.core.lb.Balancers;
import io.jingress.core.model.TlsSecret;
import io.jingress.jetty.internal.tls.TlsCertificates;
import io.jingress.jetty.testing.RawHttp;
import io.jingress.jetty.testing.TlsTestServer;
import io.jingress.jetty.testing.WebSocketEcho;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/** wss: TLS with the certificate chosen by SNI, ALPN http/1.1, then the tunnel, on one connection. */
class UpgradeTunnelOverTlsTest {

    @Test
    void webSocketOverTlsIsTunnelledWithTheCertificateOfItsSniName() throws Exception {
        TlsCertificates certificates = TlsCertificates.create();
        assertEquals(List.of(), certificates.update(Map.of("chat.example.test",
                new TlsSecret("chat", "chat-tls", resource("pkcs8.crt"), resource("pkcs8.key")))));
        try (WebSocketEcho backend = new WebSocketEcho();
                TlsTestServer server = new TlsTestServer(certificates.sslContextFactory(),
                        new TunnelTestHandler(UpgradeTunnel.create(),
                                Balancers.create().endpoint("127.0.0.1", backend.port(), null, null, 1)));
                SSLSocket socket = server.open("chat.example.test", List.of("http/1.1"))) {
            assertEquals("CN=pkcs8.example.test", TlsTestServer.leaf(socket).getSubjectX500Principal().getName());

            OutputStream out = socket.getOutputStream();
            out.write(("GET /chat HTTP/1.1\r\nHost: chat.example.test\r\nConnection: Upgrade\r\n"
                    + "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(WebSocketEcho.maskedTextFrame("secure hello"));
            out.flush();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            assertTrue(RawHttp.readHead(in).startsWith("HTTP/1.1 101 "));
            assertEquals(0x81, in.read());
            int length = in.read();
            assertEquals("secure hello", new String(in.readNBytes(length), StandardCharsets.UTF_8));
        }
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = UpgradeTunnelOverTlsTest.class.getResourceAsStream("/tls/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }
}
