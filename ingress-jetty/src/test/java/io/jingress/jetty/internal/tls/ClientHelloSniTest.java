package io.jingress.jetty.internal.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.Test;

class ClientHelloSniTest {
    /** The first flight of a JSSE client saying {@code sni} (null: none). */
    private static byte[] hello(String sni) throws Exception {
        SSLEngine engine = SSLContext.getDefault().createSSLEngine("127.0.0.1", 443);
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setServerNames(sni == null ? List.of() : List.of(new SNIHostName(sni)));
        engine.setSSLParameters(parameters);
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), out);
        out.flip();
        byte[] bytes = new byte[out.remaining()];
        out.get(bytes);
        return bytes;
    }

    @Test
    void theHostNameOfAClientHelloIsRead() throws Exception {
        assertEquals("secure.test", ClientHelloSni.read(ByteBuffer.wrap(hello("Secure.TEST"))));
    }

    @Test
    void aJettyClientsHelloIsRead() throws Exception {
        SslContextFactory.Client factory = new SslContextFactory.Client(true);
        factory.start();
        try {
            SSLEngine engine = factory.newSSLEngine("secure.test", 443);
            engine.setUseClientMode(true);
            ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
            engine.wrap(ByteBuffer.allocate(0), out);
            out.flip();
            assertEquals("secure.test", ClientHelloSni.read(out));
        } finally {
            factory.stop();
        }
    }

    @Test
    void aHelloWithoutSniHasNone() throws Exception {
        assertEquals(ClientHelloSni.NONE, ClientHelloSni.read(ByteBuffer.wrap(hello(null))));
    }

    @Test
    void aPartOfAHelloAsksForMore() throws Exception {
        byte[] hello = hello("secure.test");
        for (int length : new int[] {1, 5, 9, hello.length - 1}) {
            assertSame(ClientHelloSni.INCOMPLETE, ClientHelloSni.read(ByteBuffer.wrap(hello, 0, length)), "length " + length);
        }
    }

    @Test
    void aHelloSplitOverTwoRecordsIsRead() throws Exception {
        byte[] hello = hello("secure.test");
        int payload = hello.length - 5;
        int first = payload / 2;
        byte[] split = new byte[hello.length + 5];
        System.arraycopy(hello, 0, split, 0, 5 + first);
        split[3] = (byte) (first >> 8);
        split[4] = (byte) first;
        int second = payload - first;
        split[5 + first] = hello[0];
        split[6 + first] = hello[1];
        split[7 + first] = hello[2];
        split[8 + first] = (byte) (second >> 8);
        split[9 + first] = (byte) second;
        System.arraycopy(hello, 5 + first, split, 10 + first, second);

        assertEquals("secure.test", ClientHelloSni.read(ByteBuffer.wrap(split)));
        assertSame(ClientHelloSni.INCOMPLETE, ClientHelloSni.read(ByteBuffer.wrap(split, 0, split.length - 1)));
    }

    @Test
    void malformedHellosHaveNoneAndNeverThrow() throws Exception {
        byte[] hello = hello("secure.test");
        assertEquals(ClientHelloSni.NONE, ClientHelloSni.read(ByteBuffer.wrap("GET / HTTP/1.1\r\n\r\n".getBytes())));
        java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < 2000; i++) {
            byte[] broken = Arrays.copyOf(hello, hello.length);
            broken[5 + random.nextInt(hello.length - 5)] = (byte) random.nextInt(256);
            String read = ClientHelloSni.read(ByteBuffer.wrap(broken));  // never throws
            assert read != null;
        }
        byte[] huge = Arrays.copyOf(hello, ClientHelloSni.LIMIT + 100);
        huge[3] = (byte) 0x40;  // a record of 16 KiB, a hello of 16376 bytes: never whole within the limit
        huge[4] = 0;
        huge[6] = 0;
        huge[7] = (byte) 0x3f;
        huge[8] = (byte) 0xf8;
        assertEquals(ClientHelloSni.NONE, ClientHelloSni.read(ByteBuffer.wrap(huge, 0, ClientHelloSni.LIMIT)));
    }

    @Test
    void theBuffersPositionIsLeftAlone() throws Exception {
        ByteBuffer buffer = ByteBuffer.wrap(hello("secure.test"));
        ClientHelloSni.read(buffer);
        assertEquals(0, buffer.position());
    }
}
