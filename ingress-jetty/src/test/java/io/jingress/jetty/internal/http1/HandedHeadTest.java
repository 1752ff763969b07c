package io.jingress.jetty.internal.http1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class HandedHeadTest {
    private static HandedHead of(String bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(("junk" + bytes).getBytes(StandardCharsets.ISO_8859_1));
        buffer.position(4);
        HandedHead head = HandedHead.of(buffer);
        assertEquals(4, buffer.position(), "the buffer is read, not consumed");
        return head;
    }

    @Test
    void aWholeHeadGivesItsRequestLineAndLength() {
        String head = "GET http://a.test/x HTTP/1.1\r\nHost: a.test\r\n\r\n";
        assertEquals(new HandedHead("GET http://a.test/x HTTP/1.1", head.length()), of(head + "body"));
    }

    @Test
    void aHeadWhoseEndHasNotComeHasNoLength() {
        assertEquals(new HandedHead("GET / HTTP/1.1", -1), of("GET / HTTP/1.1\r\nHost: a.te"));
    }

    @Test
    void aFirstLineNotWholeGivesNothing() {
        assertNull(of("GET /still-comi"));
    }

    @Test
    void bareLineFeedsEndLinesAndTheHead() {
        assertEquals(new HandedHead("GET / HTTP/1.0", 16), of("GET / HTTP/1.0\n\nnext"));
        assertEquals(new HandedHead("GET / HTTP/1.1", 26), of("GET / HTTP/1.1\nHost: a\r\n\r\n"));
    }

    @Test
    void itsFirstUserAgentAndRefererAreReadFromTheLinesThatCameWhole() {
        HandedHead head = of("GET /%zz HTTP/1.1\r\nHost: a\r\nuser-AGENT:  curl/8.5.0 \t\r\nReferer:http://r/\r\n"
                + "User-Agent: second\r\n\r\nUser-Agent: body");
        assertEquals("curl/8.5.0", head.userAgent());
        assertEquals("http://r/", head.referer());
        assertEquals(new HandedHead("GET / HTTP/1.1", -1, "ua", null), of("GET / HTTP/1.1\nUser-Agent: ua\nReferer: not-whole"));
        String lookAlikes = "GET / HTTP/1.1\r\nX-User-Agent: no\r\nReferer2: no\r\n\r\n";
        assertEquals(new HandedHead("GET / HTTP/1.1", lookAlikes.length()), of(lookAlikes));
        String empty = "GET / HTTP/1.1\r\nUser-Agent:\r\n\r\n";
        assertEquals(new HandedHead("GET / HTTP/1.1", empty.length(), "", null), of(empty));
    }

    @Test
    void bytesAboveAsciiAreKeptAsCharsOfTheSameValue() {
        assertEquals("GET /caf\u00c3\u00a9 HTTP/1.1", of("GET /caf\u00c3\u00a9 HTTP/1.1\r\n\r\n").requestLine());
    }
}
