package io.jingress.jetty.internal.http1;

import static io.jingress.jetty.internal.http1.JettyHeads.bytes;
import static io.jingress.jetty.internal.http1.JettyHeads.head;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.HttpVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the lean request head parser takes, and that it takes nothing Jetty's own parser would
 * refuse or read differently: every head taken here is also fed to Jetty's {@link HttpParser}
 * (the RFC 9110 compliance the connector runs with) and must come out with the same method, target
 * and fields. Heads are parsed from the middle of a larger array, with other bytes before and after,
 * as a connection's read buffer holds them.
 */
class RequestHeadParserTest {
    private static final int MAX_HEAD = 8192;
    private static final String NEXT = "GET /next HTTP/1.1\r\nHost: other.test\r\n\r\n";

    private static String get(String target, String... lines) {
        String[] withHost = new String[lines.length + 1];
        withHost[0] = "Host: app.test";
        System.arraycopy(lines, 0, withHost, 1, lines.length);
        return head("GET " + target + " HTTP/1.1", withHost);
    }

    /** Parses {@code text} placed at offset 7 of an array with unrelated bytes before and after it. */
    private static int parse(RequestHeadParser parser, String text) {
        return parse(parser, text, MAX_HEAD);
    }

    private static int parse(RequestHeadParser parser, String text, int maxHead) {
        byte[] raw = bytes(text);
        byte[] bytes = new byte[raw.length + 7 + 64];
        Arrays.fill(bytes, (byte) 'x');
        System.arraycopy(raw, 0, bytes, 7, raw.length);
        return parser.parse(bytes, 7, 7 + raw.length, maxHead);
    }

    private static int parse(String text) {
        return parse(new RequestHeadParser(), text);
    }

    // ---- taken ----

    static Stream<Arguments> takenHeads() {
        return Stream.of(
                Arguments.of(get("/"), "GET", "/", -1, "app.test"),
                Arguments.of(head("HEAD /a HTTP/1.1", "Host: app.test"), "HEAD", "/a", -1, "app.test"),
                Arguments.of(head("DELETE /a/b HTTP/1.1", "Host: app.test"), "DELETE", "/a/b", -1, "app.test"),
                Arguments.of(head("OPTIONS /a/ HTTP/1.0", "Host: app.test"), "OPTIONS", "/a/", -1, "app.test"),
                Arguments.of(head("GET /x HTTP/1.0", "Host: app.test"), "GET", "/x", -1, "app.test"),
                Arguments.of(get("/a-b._~!$&'()*+,=:@/Z9"), "GET", "/a-b._~!$&'()*+,=:@/Z9", -1, "app.test"),
                Arguments.of(get("/.well-known/a..b/.c/..d"), "GET", "/.well-known/a..b/.c/..d", -1, "app.test"),
                Arguments.of(get("/p?q=%2F%41%7e&x=/?y"), "GET", "/p?q=%2F%41%7e&x=/?y", 2, "app.test"),
                Arguments.of(get("/?"), "GET", "/?", 1, "app.test"),
                Arguments.of(head("GET / HTTP/1.1", "Host: app.test:8080"), "GET", "/", -1, "app.test:8080"),
                Arguments.of(head("GET / HTTP/1.1", "Host: 10.0.0.1:80"), "GET", "/", -1, "10.0.0.1:80"),
                Arguments.of(head("GET / HTTP/1.1", "Host: 10.0.0.1"), "GET", "/", -1, "10.0.0.1"),
                Arguments.of(head("GET / HTTP/1.1", "Host: app.test:65535"), "GET", "/", -1, "app.test:65535"),
                Arguments.of(head("GET / HTTP/1.1", "host:app.test"), "GET", "/", -1, "app.test"),
                Arguments.of(head("GET / HTTP/1.1", "Host: app.test", "Content-Length: 0"), "GET", "/", -1, "app.test"),
                Arguments.of(head("GET / HTTP/1.1", "Host: app.test", "Content-Length:\t 0 \t"), "GET", "/", -1, "app.test"),
                Arguments.of(head("GET / HTTP/1.1", "Host: app.test", "Connection: Upgrade"), "GET", "/", -1, "app.test"),
                // bodies of known length up to MAX_BODY, which the connection reads after the head
                Arguments.of(head("POST /api HTTP/1.1", "Host: app.test", "Content-Length: 5"), "POST", "/api", -1, "app.test"),
                Arguments.of(head("PUT /a HTTP/1.1", "Host: app.test", "Content-Length: 16384"), "PUT", "/a", -1, "app.test"),
                Arguments.of(head("PATCH /a?v=1 HTTP/1.1", "Host: app.test", "Content-Length: 0"), "PATCH", "/a?v=1", 2, "app.test"),
                Arguments.of(head("POST / HTTP/1.0", "Host: app.test"), "POST", "/", -1, "app.test"),
                Arguments.of(head("DELETE /a HTTP/1.1", "content-length: 1", "Host: app.test"), "DELETE", "/a", -1, "app.test"),
                Arguments.of(head("POST /up HTTP/1.1", "Host: app.test", "Expect: 100-continue", "Content-Length: 10"),
                        "POST", "/up", -1, "app.test"),
                Arguments.of(head("PUT /up HTTP/1.1", "Content-Length: 1", "expect: 100-Continue", "Host: app.test"),
                        "PUT", "/up", -1, "app.test"),
                Arguments.of(get("/", "X-!#$%&'*+.^_`|~: !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"), "GET", "/", -1, "app.test"));
    }

    @ParameterizedTest
    @MethodSource("takenHeads")
    void plainHeadsAreTakenWithTheirMethodTargetAndHost(String text, String method, String target, int queryStart, String host) {
        RequestHeadParser parser = new RequestHeadParser();
        assertEquals(text.length(), parse(parser, text + NEXT), "the head's length, the pipelined request not consumed");
        assertEquals(method, parser.method());
        assertEquals(target, parser.target());
        assertEquals(queryStart, parser.queryStart());
        assertEquals(host, parser.host().getValue());
        assertEquals(text.contains("HTTP/1.0") ? HttpVersion.HTTP_1_0 : HttpVersion.HTTP_1_1, parser.version());
        assertJettyReadsTheSame(parser, text);
    }

    @ParameterizedTest
    @MethodSource("takenHeads")
    void noProperPrefixOfATakenHeadIsTakenOrHandedToJetty(String text) {
        byte[] bytes = bytes(text + NEXT);
        RequestHeadParser parser = new RequestHeadParser();
        for (int n = 0; n < text.length(); n++) {
            assertEquals(RequestHeadParser.INCOMPLETE, parser.parse(bytes, 0, n, MAX_HEAD), "prefix of " + n + " bytes");
        }
        assertEquals(text.length(), parser.parse(bytes, 0, text.length(), MAX_HEAD));
    }

    @Test
    void headerLinesAreKeptInOrderWithValuesTrimmedOfSpacesAndTabs() {
        RequestHeadParser parser = new RequestHeadParser();
        String text = get("/", "X-A: \t one \t", "x-b:two", "X-C:\ta\tb  c\t", "X-Empty:", "Accept: */*");
        assertEquals(text.length(), parse(parser, text));
        List<String> seen = new ArrayList<>();
        for (HttpField field : parser.fields()) {
            seen.add(field.getName() + "=" + field.getValue());
        }
        assertEquals(List.of("Host=app.test", "X-A=one", "x-b=two", "X-C=a\tb  c", "X-Empty=", "Accept=*/*"), seen);
        assertJettyReadsTheSame(parser, text);
    }

    @Test
    void aHeadWithAsManyLinesAsAllowedIsTakenAndOneMoreIsNot() {
        String[] lines = new String[RequestHeadParser.MAX_FIELDS - 1];
        for (int i = 0; i < lines.length; i++) {
            lines[i] = "X-Field-" + i + ": value " + i;
        }
        RequestHeadParser parser = new RequestHeadParser();
        String full = get("/", lines);
        assertEquals(full.length(), parse(parser, full));
        assertEquals(RequestHeadParser.MAX_FIELDS, parser.fields().size());
        assertEquals("value 98", parser.fields().get("X-Field-98"));

        String[] more = Arrays.copyOf(lines, lines.length + 1);
        more[lines.length] = "X-One-More: 1";
        assertEquals(RequestHeadParser.NOT_MINE, parse(get("/", more)));
    }

    @Test
    void eachRequestGetsAFieldListOfItsOwn() {
        RequestHeadParser parser = new RequestHeadParser();
        parse(parser, get("/", "X-A: 1"));
        var first = parser.fields();
        parse(parser, get("/", "X-A: 1"));
        assertNotSame(first, parser.fields());
        assertEquals(2, first.size());
    }

    static Stream<Arguments> persistence() {
        return Stream.of(
                Arguments.of("HTTP/1.1", null, true),
                Arguments.of("HTTP/1.1", "Connection: close", false),
                Arguments.of("HTTP/1.1", "Connection: CLOSE", false),
                Arguments.of("HTTP/1.1", "Connection: foo, close", false),
                Arguments.of("HTTP/1.1", "Connection: keep-alive", true),
                Arguments.of("HTTP/1.1", "Connection: closed", true),
                Arguments.of("HTTP/1.0", null, false),
                Arguments.of("HTTP/1.0", "Connection: keep-alive", true),
                Arguments.of("HTTP/1.0", "Connection: Keep-Alive", true),
                Arguments.of("HTTP/1.0", "connection: foo,keep-alive", true),
                Arguments.of("HTTP/1.0", "Connection: keep-alive, close", false));
    }

    @ParameterizedTest
    @MethodSource("persistence")
    void theConnectionStaysOpenAsTheVersionAndConnectionHeaderSay(String version, String connection, boolean persistent) {
        RequestHeadParser parser = new RequestHeadParser();
        String text = connection == null
                ? head("GET / " + version, "Host: app.test")
                : head("GET / " + version, "Host: app.test", connection);
        assertEquals(text.length(), parse(parser, text));
        assertEquals(persistent, parser.persistent());
    }

    // ---- refused: Jetty's parser gets these ----

    static Stream<String> notMine() {
        return Stream.of(
                // methods
                head("PROPFIND / HTTP/1.1", "Host: app.test"),
                head("POSTX / HTTP/1.1", "Host: app.test"),
                head("post / HTTP/1.1", "Host: app.test", "Content-Length: 0"),
                head("CONNECT app.test:443 HTTP/1.1", "Host: app.test:443"),
                head("TRACE / HTTP/1.1", "Host: app.test"),
                head("get / HTTP/1.1", "Host: app.test"),
                head("GETS / HTTP/1.1", "Host: app.test"),
                head("GET  / HTTP/1.1", "Host: app.test"),
                // targets
                get("http://app.test/"),
                get("app.test:80"),
                head("OPTIONS * HTTP/1.1", "Host: app.test"),
                get("/a%2Fb"), get("/%41"), get("//"), get("//a"), get("/a//b"),
                get("/."), get("/.."), get("/a/./b"), get("/a/../b"), get("/a/.."), get("/a/."), get("/..?x"),
                get("/a;b"), get("/a;jsessionid=1/b"), get("/a#b"), get("/a?b#c"),
                get("/a\\b"), get("/a\"b"), get("/a<b>"), get("/a{b}"), get("/a|b"), get("/a^b"), get("/a`b"), get("/a[b]"),
                get("/a b"), get("/\u00e9"), get("/a\u0001b"), get("/a\tb"), get("/a\u007fb"), get(""),
                get("/?q=%G1"), get("/?q=%2"), get("/?q=%"), get("/?q=%%41"), get("/?q=a b"), get("/?q=\u00e9"), get("/?q=\""),
                // versions
                head("GET / HTTP/1.2", "Host: app.test"), head("GET / HTTP/2.0", "Host: app.test"),
                head("GET / http/1.1", "Host: app.test"), head("GET / HTTP/1.1 ", "Host: app.test"),
                head("GET /", "Host: app.test"), head("GET / HTTP/1.10", "Host: app.test"),
                "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
                // line endings and bytes
                "GET / HTTP/1.1\nHost: app.test\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: app.test\n\r\n",
                "GET / HTTP/1.1\r\nHost: app.test\r\n\n",
                "GET / HTTP/1.1\r\nHost: app.test\nX-A: 1\r\n\r\n",
                "GET / HTTP/1.1\rHost: app.test\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: app.test\r\nX-A: 1\r2\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: app.test\r\n\r\r\n",
                "\r\nGET / HTTP/1.1\r\nHost: app.test\r\n\r\n",
                // header lines
                get("/", "X-A: 1", " folded"), get("/", "X-A: 1", "\tfolded"),
                get("/", "X-A : 1"), get("/", ": 1"), get("/", "X A: 1"), get("/", "X-A"), get("/", "X(A): 1"),
                get("/", "X\"A\": 1"), get("/", "X@A: 1"), get("/", "\u00e9: 1"),
                get("/", "X-A: a\u0000b"), get("/", "X-A: a\u007fb"), get("/", "X-A: a\u0080b"), get("/", "X-A: caf\u00e9"),
                get("/", "X-A: a\u001bb"), get("/", "X-A: a\u000bb"),
                // Host
                head("GET / HTTP/1.1"), head("GET / HTTP/1.0", "X-A: 1"),
                get("/", "Host: app.test"), get("/", "host: other.test"),
                head("GET / HTTP/1.1", "Host:"), head("GET / HTTP/1.1", "Host:   "),
                head("GET / HTTP/1.1", "Host: user@app.test"), head("GET / HTTP/1.1", "Host: app.test/path"),
                head("GET / HTTP/1.1", "Host: app test"), head("GET / HTTP/1.1", "Host: app.test:65536"),
                head("GET / HTTP/1.1", "Host: app.test:99999"), head("GET / HTTP/1.1", "Host: app.test:123456"),
                head("GET / HTTP/1.1", "Host: app.test:"), head("GET / HTTP/1.1", "Host: app.test:8a"),
                head("GET / HTTP/1.1", "Host: app.test:80:80"), head("GET / HTTP/1.1", "Host: :80"),
                // bracketed IPv6 literals, even valid ones, are Jetty's to check as addresses
                head("GET / HTTP/1.1", "Host: [::1]:8443"), head("GET / HTTP/1.1", "Host: [2001:DB8::a:1]"),
                head("GET / HTTP/1.1", "Host: [::1"), head("GET / HTTP/1.1", "Host: ::1]"), head("GET / HTTP/1.1", "Host: ::1"),
                head("GET / HTTP/1.1", "Host: [::g]"), head("GET / HTTP/1.1", "Host: [::1]x"), head("GET / HTTP/1.1", "Host: [::1]:"),
                head("GET / HTTP/1.1", "Host: [::1]:80x"), head("GET / HTTP/1.1", "Host: a[::1]"), head("GET / HTTP/1.1", "Host: app_test"),
                head("GET / HTTP/1.1", "Host: app.test, other.test"), head("GET / HTTP/1.1", "Host: app%2etest"),
                // framing and protocol switches
                get("/", "Transfer-Encoding: chunked"), get("/", "Transfer-Encoding: identity"), get("/", "transfer-encoding: chunked"),
                get("/", "TRANSFER-ENCODING: gzip"), get("/", "Transfer-Encoding:"),
                get("/", "Upgrade: websocket"), get("/", "upgrade: h2c"), get("/", "Expect: 100-continue"), get("/", "expect: x"),
                get("/", "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA"), get("/", "http2-settings: x"),
                get("/", "Content-Length: 16385"), get("/", "Content-Length: 123456"), get("/", "Content-Length: 05"),
                get("/", "Content-Length: 1 2"), get("/", "Content-Length: 5", "Content-Length: 5"), get("/", "Content-Length: 0x5"),
                get("/", "Content-Length: 00"), get("/", "Content-Length: 0, 0"),
                get("/", "Content-Length: 0", "Content-Length: 0"), get("/", "Content-Length: 0", "content-length: 0"),
                head("POST / HTTP/1.0", "Host: app.test", "Expect: 100-continue", "Content-Length: 1"),
                head("POST / HTTP/1.1", "Host: app.test", "Expect: 100-continue", "Content-Length: 0"),
                head("POST / HTTP/1.1", "Host: app.test", "Expect: 100-continue, x", "Content-Length: 1"),
                head("POST / HTTP/1.1", "Host: app.test", "Expect: 100-continue", "Expect: 100-continue", "Content-Length: 1"),
                get("/", "Content-Length:"), get("/", "Content-Length: -0"), get("/", "Content-Length: +0"),
                get("/", "content-length: 1", "Transfer-Encoding: chunked"));
    }

    @ParameterizedTest
    @MethodSource("notMine")
    void anythingButThePlainestHeadIsLeftToJetty(String text) {
        assertEquals(RequestHeadParser.NOT_MINE, parse(text), text);
    }

    @ParameterizedTest
    @MethodSource("notMine")
    void anythingButThePlainestHeadIsLeftToJettyEvenWhenTheArrayEndsWithIt(String text) {
        byte[] bytes = bytes(text);
        assertEquals(RequestHeadParser.NOT_MINE, new RequestHeadParser().parse(bytes, 0, bytes.length, MAX_HEAD), text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"POSTX", "PUTT", "PATCHES", "PROPFIND ", "G\r", "GET\n", "\r\n", "PRI * HTTP/2.0\r\n", "GEt", "HEAD\t", "x"})
    void anIncompleteHeadThatCannotBeTakenIsHandedToJettyAtOnce(String start) {
        assertEquals(RequestHeadParser.NOT_MINE, parse(start));
    }

    /** Host values of the lean parser's characters that Jetty's parser answers with 400 Bad Request. */
    @ParameterizedTest
    @ValueSource(strings = {"app.test:0", "app.test:00000", "[::1]:0", "[:]", "[1::2::3]", "[1.2.3.4]", "[12345::1]"})
    void aHostJettyRefusesIsNotTaken(String host) {
        String text = head("GET / HTTP/1.1", "Host: " + host);
        assertTrue(JettyHeads.request(text).failure() != null, "Jetty refuses Host: " + host);
        assertEquals(RequestHeadParser.NOT_MINE, parse(text), "Host: " + host);
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET / H\r\n\r\n", "GET /a HT\r\n\r\n", "GET / HTTP/1\r\n\r\n"})
    void aShortRequestLineAtTheEndOfTheArrayIsLeftToJettyWithoutAnException(String text) {
        byte[] bytes = bytes(text);
        assertEquals(RequestHeadParser.NOT_MINE, new RequestHeadParser().parse(bytes, 0, bytes.length, MAX_HEAD), text);
    }

    // ---- limits ----

    @Test
    void aHeadThatDoesNotEndWithinTheLimitIsTooLarge() {
        String text = get("/", "X-Long: " + "v".repeat(80));
        assertEquals(RequestHeadParser.TOO_LARGE, parse(new RequestHeadParser(), text, 64));
        assertEquals(RequestHeadParser.TOO_LARGE, parse(new RequestHeadParser(), text.substring(0, 64), 64));
    }

    @Test
    void aRequestLineThatDoesNotEndWithinTheLimitIsTooLong() {
        String text = get("/" + "a".repeat(80));
        assertEquals(RequestHeadParser.LINE_TOO_LONG, parse(new RequestHeadParser(), text, 64));
        assertEquals(RequestHeadParser.LINE_TOO_LONG, parse(new RequestHeadParser(), text.substring(0, 64), 64));
    }

    @Test
    void aHeadShorterThanTheLimitIsIncompleteUntilItEnds() {
        String text = get("/" + "a".repeat(80));
        assertEquals(RequestHeadParser.INCOMPLETE, parse(new RequestHeadParser(), text.substring(0, 63), 64));
    }

    @Test
    void aHeadOfExactlyTheLimitIsTakenAndOneByteLongerIsTooLarge() {
        String text = get("/", "X-Pad: " + "p".repeat(20));
        assertEquals(text.length(), parse(new RequestHeadParser(), text, text.length()));
        assertEquals(RequestHeadParser.TOO_LARGE, parse(new RequestHeadParser(), text, text.length() - 1));
    }

    // ---- the line cache ----

    @Test
    void theLinesKeptForTheNextHeadAreBoundedPerConnection() {
        // Ten lines of 1,000 bytes: only what fits in HeaderLines.MAX_CACHED_BYTES is kept, the
        // rest is parsed anew each time, with the same values.
        String[] lines = new String[10];
        for (int i = 0; i < lines.length; i++) {
            lines[i] = "X-Long-" + i + ": " + "v".repeat(990);
        }
        RequestHeadParser parser = new RequestHeadParser();
        parse(parser, get("/", lines), 16384);
        List<HttpField> first = parser.fields().stream().toList();
        parse(parser, get("/", lines), 16384);
        List<HttpField> second = parser.fields().stream().toList();

        int kept = 0;
        for (int i = 0; i < first.size(); i++) {
            assertEquals(first.get(i).getValue(), second.get(i).getValue());
            if (first.get(i) == second.get(i)) {
                kept++;
            }
        }
        int lineBytes = ("X-Long-0: " + "v".repeat(990)).length();
        assertEquals(1 + (HeaderLines.MAX_CACHED_BYTES - "Host: app.test".length()) / lineBytes, kept,
                "the Host line and as many long lines as the bound holds");
    }

    @Test
    void repeatedLinesGiveBackTheSameFieldsAndAChangedLineANewOne() {
        RequestHeadParser parser = new RequestHeadParser();
        parse(parser, get("/a?x=1", "X-A: 1", "Accept: */*"));
        List<HttpField> first = parser.fields().stream().toList();
        String firstTarget = parser.target();

        parse(parser, get("/a?x=1", "X-A: 2", "Accept: */*"));
        List<HttpField> second = parser.fields().stream().toList();
        assertSame(first.get(0), second.get(0));
        assertNotSame(first.get(1), second.get(1));
        assertEquals("2", second.get(1).getValue());
        assertSame(first.get(2), second.get(2));
        assertSame(first.get(0), parser.host());
        assertSame(firstTarget, parser.target(), "a repeated target is the same string");

        parse(parser, get("/b", "X-A: 2", "Accept: */*"));
        assertEquals("/b", parser.target());
        assertEquals(-1, parser.queryStart());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Transfer-Encoding: chunked", "Upgrade: websocket", "Expect: 100-continue",
            "Content-Length: 16385", "Host: other.test", "X-A : 1", "HTTP2-Settings: x"})
    void aLineChangedIntoAForbiddenOneIsStillRefused(String forbidden) {
        RequestHeadParser parser = new RequestHeadParser();
        String taken = get("/", "X-A: 1", "X-B: 2");
        assertEquals(taken.length(), parse(parser, taken));
        assertEquals(RequestHeadParser.NOT_MINE, parse(parser, get("/", forbidden, "X-B: 2")));
        assertEquals(taken.length(), parse(parser, taken), "the lines before still taken afterwards");
    }

    @Test
    void aForbiddenLineRepeatedFromTheHeadBeforeIsStillRefused() {
        RequestHeadParser parser = new RequestHeadParser();
        String smuggling = get("/", "Content-Length: 0", "Content-Length: 0");
        assertEquals(RequestHeadParser.NOT_MINE, parse(parser, smuggling));
        assertEquals(RequestHeadParser.NOT_MINE, parse(parser, smuggling));
        assertEquals(RequestHeadParser.NOT_MINE, parse(parser, get("/", "Transfer-Encoding: chunked")));
        assertEquals(RequestHeadParser.NOT_MINE, parse(parser, get("/", "Transfer-Encoding: chunked")));
    }

    @Test
    void aRefusedHeadLeavesTheLastTakenRequestAsItWas() {
        RequestHeadParser parser = new RequestHeadParser();
        parse(parser, get("/kept?q", "X-A: 1"));
        assertEquals(RequestHeadParser.NOT_MINE, parse(parser, head("GET /other HTTP/1.0", "X-A: 1")));
        assertEquals("/kept?q", parser.target());
        assertEquals(5, parser.queryStart());
        assertEquals(HttpVersion.HTTP_1_1, parser.version());
        assertNull(parser.fields().get("Transfer-Encoding"));
    }

    // ---- Jetty's reading of the same bytes ----

    /** Asserts Jetty's request parser accepts {@code text} with the lean parser's meaning. */
    private static void assertJettyReadsTheSame(RequestHeadParser lean, String text) {
        JettyHeads.Reading jetty = JettyHeads.request(text);
        assertNull(jetty.failure(), () -> "Jetty refuses a head the lean parser takes: " + text + jetty.failure());
        assertEquals(lean.method(), jetty.method());
        assertEquals(lean.target(), jetty.uri());
        assertEquals(lean.version().asString(), jetty.version());
        assertEquals(Math.max(0, jetty.parser().getContentLength()), lean.contentLength(), "the body's length");
        assertEquals(text.toLowerCase(java.util.Locale.ROOT).contains("expect: 100-continue"), lean.expectsContinue());
        HttpURI uri = HttpURI.build(jetty.uri());
        assertFalse(uri.hasViolations(), () -> "URI violations " + uri.getViolations() + " in " + text);
        assertEquals(lean.fields().size(), jetty.fields().size());
        for (int i = 0; i < jetty.fields().size(); i++) {
            assertTrue(lean.fields().getField(i).getName().equalsIgnoreCase(jetty.fields().get(i).getName()));
            assertEquals(lean.fields().getField(i).getValue(), jetty.fields().get(i).getValue());
        }
    }
}
