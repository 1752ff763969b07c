package io.jingress.jetty.internal.http1;

import static io.jingress.jetty.internal.http1.JettyHeads.bytes;
import static io.jingress.jetty.internal.http1.JettyHeads.head;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the lean response head parser takes from an upstream, and that whatever it takes Jetty's
 * own response parser reads with the same status and body length; everything else must come back
 * {@link ResponseHeadParser#NOT_MINE} with nothing consumed and no fields, so that Jetty's parser
 * reads the response from its first byte.
 */
class ResponseHeadParserTest {
    private static final String BODY = "0123456789";

    private static int parse(ResponseHeadParser parser, String text, boolean headRequest, HttpFields.Mutable fields) {
        return parser.parse(ByteBuffer.wrap(bytes(text)), headRequest, fields);
    }

    private static int parse(String text) {
        HttpFields.Mutable fields = HttpFields.build().add("X-Before", "stale");
        int length = parse(new ResponseHeadParser(), text, false, fields);
        if (length == ResponseHeadParser.NOT_MINE) {
            assertEquals(0, fields.size(), "no fields left behind by a refused head");
        }
        return length;
    }

    // ---- taken ----

    static Stream<Arguments> takenHeads() {
        return Stream.of(
                Arguments.of(head("HTTP/1.1 200 OK", "Content-Length: 10"), false, 200, 10L, true),
                Arguments.of(head("HTTP/1.1 404 Not Found", "content-length:\t0 "), false, 404, 0L, true),
                Arguments.of(head("HTTP/1.1 599 Odd", "Content-Length: 007"), false, 599, 7L, true),
                Arguments.of(head("HTTP/1.1 200 OK", "Content-Length: 999999999999999999"), false, 200, 999999999999999999L, true),
                Arguments.of(head("HTTP/1.1 204 No Content"), false, 204, 0L, true),
                Arguments.of(head("HTTP/1.1 204 No Content", "Content-Length: 10"), false, 204, 0L, true),
                Arguments.of(head("HTTP/1.1 304 Not Modified", "ETag: \"x\""), false, 304, 0L, true),
                Arguments.of(head("HTTP/1.1 200 OK", "Content-Length: 1000"), true, 200, 0L, true),
                Arguments.of(head("HTTP/1.1 200 OK"), true, 200, 0L, true),
                Arguments.of(head("HTTP/1.0 200 OK", "Content-Length: 10"), false, 200, 10L, false),
                Arguments.of(head("HTTP/1.0 200 OK", "Content-Length: 10", "Connection: keep-alive"), false, 200, 10L, true),
                Arguments.of(head("HTTP/1.0 200 OK", "Content-Length: 10", "Connection: Keep-Alive, close"), false, 200, 10L, false),
                Arguments.of(head("HTTP/1.1 200 OK", "Content-Length: 10", "Connection: close"), false, 200, 10L, false),
                Arguments.of(head("HTTP/1.1 200 OK", "Connection: foo, CLOSE", "Content-Length: 10"), false, 200, 10L, false),
                Arguments.of(head("HTTP/1.1 200 ", "Content-Length: 10"), false, 200, 10L, true),
                Arguments.of(head("HTTP/1.1 200", "Content-Length: 10"), false, 200, 10L, true),
                Arguments.of(head("HTTP/1.1 200 A reason, with: anything\tvisible", "Content-Length: 10"), false, 200, 10L, true));
    }

    @ParameterizedTest
    @MethodSource("takenHeads")
    void plainHeadsWithAKnownBodyLengthAreTaken(String head, boolean headRequest, int status, long bodyLength, boolean keepAlive) {
        ResponseHeadParser parser = new ResponseHeadParser();
        ByteBuffer buffer = ByteBuffer.wrap(bytes(head + BODY));
        HttpFields.Mutable fields = HttpFields.build();
        assertEquals(head.length(), parser.parse(buffer, headRequest, fields));
        assertEquals(0, buffer.position(), "nothing consumed");
        assertEquals(head.length() + BODY.length(), buffer.limit());
        assertEquals(status, parser.status());
        assertEquals(bodyLength, parser.bodyLength());
        assertEquals(keepAlive, parser.keepAlive());
        assertJettyReadsTheSame(parser, fields, head, headRequest);
    }

    @ParameterizedTest
    @MethodSource("takenHeads")
    void noProperPrefixOfATakenHeadIsTaken(String head, boolean headRequest) {
        ResponseHeadParser parser = new ResponseHeadParser();
        byte[] bytes = bytes(head + BODY);
        for (int n = 0; n < head.length(); n++) {
            HttpFields.Mutable fields = HttpFields.build();
            assertEquals(ResponseHeadParser.NOT_MINE, parser.parse(ByteBuffer.wrap(bytes, 0, n), headRequest, fields), "prefix of " + n);
            assertEquals(0, fields.size());
        }
        assertEquals(head.length(), parser.parse(ByteBuffer.wrap(bytes, 0, head.length()), headRequest, HttpFields.build()));
    }

    @Test
    void fieldsAreFilledInOrderAfterClearingTheListGiven() {
        ResponseHeadParser parser = new ResponseHeadParser();
        HttpFields.Mutable fields = HttpFields.build().add("X-Stale", "1");
        String head = head("HTTP/1.1 200 OK", "Content-Type: text/plain", "x-a:  one ", "Content-Length: 10", "X-B: two\tthree");
        assertEquals(head.length(), parse(parser, head, false, fields));
        List<String> seen = new ArrayList<>();
        for (HttpField field : fields) {
            seen.add(field.getName() + "=" + field.getValue());
        }
        assertEquals(List.of("Content-Type=text/plain", "x-a=one", "Content-Length=10", "X-B=two\tthree"), seen);
    }

    @Test
    void aSlicedBufferIsParsedFromItsPositionAndLeftAsItWas() {
        String head = head("HTTP/1.1 200 OK", "Content-Length: 10");
        byte[] bytes = bytes("junk" + "ab" + head + BODY + "after");
        ByteBuffer slice = ByteBuffer.wrap(bytes, 4, bytes.length - 4 - 5).slice();
        slice.position(2);
        assertEquals(4, slice.arrayOffset());
        ResponseHeadParser parser = new ResponseHeadParser();
        HttpFields.Mutable fields = HttpFields.build();
        assertEquals(head.length(), parser.parse(slice, false, fields));
        assertEquals(2, slice.position());
        assertEquals(2 + head.length() + BODY.length(), slice.limit());
        assertEquals(10, parser.bodyLength());
        assertEquals("10", fields.get("Content-Length"));
        slice.position(2 + head.length());
        assertEquals(BODY, StandardCharsets.US_ASCII.decode(slice).toString(), "the body untouched");
    }

    @Test
    void aBufferLimitedBeforeTheHeadEndsIsNotTakenWhateverFollowsInTheArray() {
        String head = head("HTTP/1.1 200 OK", "Content-Length: 10");
        ByteBuffer buffer = ByteBuffer.wrap(bytes(head + BODY));
        buffer.limit(head.length() - 1);
        assertEquals(ResponseHeadParser.NOT_MINE, new ResponseHeadParser().parse(buffer, false, HttpFields.build()));
    }

    @Test
    void aDirectBufferIsLeftToJetty() {
        byte[] head = bytes(head("HTTP/1.1 200 OK", "Content-Length: 10"));
        ByteBuffer direct = ByteBuffer.allocateDirect(head.length).put(head).flip();
        HttpFields.Mutable fields = HttpFields.build().add("X-Stale", "1");
        assertEquals(ResponseHeadParser.NOT_MINE, new ResponseHeadParser().parse(direct, false, fields));
        assertEquals(0, fields.size());
        assertEquals(0, direct.position());
    }

    // ---- refused ----

    static Stream<String> notMine() {
        return Stream.of(
                // interim and odd statuses
                head("HTTP/1.1 100 Continue"), head("HTTP/1.1 101 Switching Protocols", "Upgrade: websocket", "Connection: Upgrade"),
                head("HTTP/1.1 103 Early Hints", "Link: </a.css>; rel=preload", "Content-Length: 0"),
                head("HTTP/1.1 199 X", "Content-Length: 0"), head("HTTP/1.1 600 X", "Content-Length: 0"),
                head("HTTP/1.1 999 X", "Content-Length: 0"), head("HTTP/1.1 20 OK", "Content-Length: 0"),
                head("HTTP/1.1 2000 OK", "Content-Length: 0"), head("HTTP/1.1 20x OK", "Content-Length: 0"),
                head("HTTP/1.1 -20 OK", "Content-Length: 0"), head("HTTP/1.1  200 OK", "Content-Length: 0"),
                head("HTTP/1.1 200OK", "Content-Length: 0"), head("HTTP/1.1", "Content-Length: 0"),
                // versions
                head("HTTP/2 200 OK", "Content-Length: 0"), head("HTTP/2.0 200 OK", "Content-Length: 0"),
                head("HTTP/1.2 200 OK", "Content-Length: 0"), head("http/1.1 200 OK", "Content-Length: 0"),
                head("HTTP/1.10 200 OK", "Content-Length: 0"), "\r\n" + head("HTTP/1.1 200 OK", "Content-Length: 0"),
                // body length unknown or ambiguous
                head("HTTP/1.1 200 OK"), head("HTTP/1.1 404 Not Found"), head("HTTP/1.0 200 OK"),
                head("HTTP/1.1 200 OK", "Transfer-Encoding: chunked"), head("HTTP/1.1 200 OK", "transfer-encoding: identity"),
                head("HTTP/1.1 200 OK", "Transfer-Encoding: chunked", "Content-Length: 10"),
                head("HTTP/1.1 200 OK", "Content-Length: 10", "Transfer-Encoding: gzip, chunked"),
                head("HTTP/1.1 204 No Content", "Transfer-Encoding: chunked"),
                head("HTTP/1.1 200 OK", "Content-Length: 10", "Content-Length: 10"),
                head("HTTP/1.1 200 OK", "Content-Length: 10", "content-length: 11"),
                head("HTTP/1.1 200 OK", "Content-Length: 10, 10"), head("HTTP/1.1 200 OK", "Content-Length: abc"),
                head("HTTP/1.1 200 OK", "Content-Length: -1"), head("HTTP/1.1 200 OK", "Content-Length: +1"),
                head("HTTP/1.1 200 OK", "Content-Length: 1 0"), head("HTTP/1.1 200 OK", "Content-Length:"),
                head("HTTP/1.1 200 OK", "Content-Length: 0x10"),
                head("HTTP/1.1 200 OK", "Content-Length: 1234567890123456789"),
                head("HTTP/1.1 200 OK", "Content-Length: 99999999999999999999"),
                // syntax
                "HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 0\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\n", "HTTP/1.1 200 OK\rContent-Length: 0\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-A: 1\r2\r\n\r\n",
                head("HTTP/1.1 200 OK", "Content-Length: 0", "X-A: 1", " folded"),
                head("HTTP/1.1 200 OK", "Content-Length: 0", "X-A: 1", "\tfolded"),
                head("HTTP/1.1 200 OK", "Content-Length : 0"), head("HTTP/1.1 200 OK", "Content-Length: 0", ": x"),
                head("HTTP/1.1 200 OK", "Content-Length: 0", "X A: 1"), head("HTTP/1.1 200 OK", "Content-Length: 0", "X-A"),
                head("HTTP/1.1 200 OK", "Content-Length: 0", "X-A: caf\u00e9"),
                head("HTTP/1.1 200 OK", "Content-Length: 0", "X-A: a\u0000b"),
                head("HTTP/1.1 200 OK", "Content-Length: 0", "X-A: a\u007fb"),
                head("HTTP/1.1 200 \u00c9t\u00e9", "Content-Length: 0"), head("HTTP/1.1 200 O\u0001K", "Content-Length: 0"));
    }

    @ParameterizedTest
    @MethodSource("notMine")
    void anythingButAPlainHeadWithAKnownBodyLengthIsLeftToJetty(String head) {
        assertEquals(ResponseHeadParser.NOT_MINE, parse(head), head);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"})
    void anInterimResponseIsLeftToJettyEvenForAHeadRequest(String bytes) {
        HttpFields.Mutable fields = HttpFields.build();
        assertEquals(ResponseHeadParser.NOT_MINE, parse(new ResponseHeadParser(), bytes, true, fields));
        assertEquals(0, fields.size());
    }

    @Test
    void aHeadWithAsManyLinesAsAllowedIsTakenAndOneMoreIsNot() {
        String[] lines = new String[100];
        lines[0] = "Content-Length: 0";
        for (int i = 1; i < lines.length; i++) {
            lines[i] = "X-Field-" + i + ": " + i;
        }
        String full = head("HTTP/1.1 200 OK", lines);
        assertEquals(full.length(), parse(full));
        String[] more = Arrays.copyOf(lines, lines.length + 1);
        more[lines.length] = "X-One-More: 1";
        assertEquals(ResponseHeadParser.NOT_MINE, parse(head("HTTP/1.1 200 OK", more)));
    }

    // ---- the line cache ----

    @Test
    void repeatedLinesGiveBackTheSameFieldsAndAChangedLineANewOne() {
        ResponseHeadParser parser = new ResponseHeadParser();
        HttpFields.Mutable first = HttpFields.build();
        parse(parser, head("HTTP/1.1 200 OK", "Server: up", "Content-Length: 10", "Date: Mon"), false, first);
        HttpFields.Mutable second = HttpFields.build();
        String head = head("HTTP/1.1 404 Not Found", "Server: up", "Content-Length: 10", "Date: Tue");
        assertEquals(head.length(), parse(parser, head, false, second));
        assertSame(first.getField(0), second.getField(0));
        assertSame(first.getField(1), second.getField(1));
        assertNotSame(first.getField(2), second.getField(2));
        assertEquals("Tue", second.getField(2).getValue());
        assertEquals(404, parser.status());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Transfer-Encoding: chunked", "Content-Length: 11", "Content-Length : 10", "X-A: caf\u00e9"})
    void aLineChangedIntoARefusedOneIsStillRefused(String refused) {
        ResponseHeadParser parser = new ResponseHeadParser();
        String taken = head("HTTP/1.1 200 OK", "Content-Length: 10", "X-A: 1");
        assertEquals(taken.length(), parse(parser, taken, false, HttpFields.build()));
        HttpFields.Mutable fields = HttpFields.build();
        assertEquals(ResponseHeadParser.NOT_MINE, parse(parser, head("HTTP/1.1 200 OK", "Content-Length: 10", refused), false, fields));
        assertEquals(0, fields.size());
        assertEquals(taken.length(), parse(parser, taken, false, HttpFields.build()));
        assertEquals(10, parser.bodyLength());
    }

    @Test
    void aRepeatedContentLengthLineIsStillCountedOncePerHead() {
        ResponseHeadParser parser = new ResponseHeadParser();
        String twice = head("HTTP/1.1 200 OK", "Content-Length: 10", "Content-Length: 10");
        assertEquals(ResponseHeadParser.NOT_MINE, parse(parser, twice, false, HttpFields.build()));
        assertEquals(ResponseHeadParser.NOT_MINE, parse(parser, twice, false, HttpFields.build()));
        String once = head("HTTP/1.1 200 OK", "Content-Length: 10");
        assertEquals(once.length(), parse(parser, once, false, HttpFields.build()));
    }

    // ---- Jetty's reading of the same bytes ----

    /** Asserts Jetty's response parser accepts {@code head} with the same status, fields and body length. */
    private static void assertJettyReadsTheSame(ResponseHeadParser lean, HttpFields fields, String head, boolean headRequest) {
        JettyHeads.Reading jetty = JettyHeads.response(head + BODY, headRequest);
        assertNull(jetty.failure(), () -> "Jetty refuses a head the lean parser takes: " + head + jetty.failure());
        assertEquals(lean.status(), jetty.status());
        List<HttpField> parsed = jetty.fields();
        assertEquals(fields.size(), parsed.size());
        for (int i = 0; i < parsed.size(); i++) {
            // Jetty's cached Connection fields spell tokens its own way ("Keep-Alive"): tokens are case-insensitive
            assertTrue(parsed.get(i).getValue().equalsIgnoreCase(fields.getField(i).getValue()), parsed.get(i) + " vs " + fields.getField(i));
        }
        if (lean.bodyLength() > 0) {
            assertEquals(lean.bodyLength(), jetty.parser().getContentLength());
        }
    }
}
