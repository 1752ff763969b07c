package io.jingress.core.route;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestPathsTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "/                     | /",
        "/foo                  | /foo",
        "/foo/                 | /foo/",
        "/%7Euser              | /~user",
        "/%7euser              | /~user",
        "/%41%62%2d%2E%5f      | /Ab-._",
        "/a%2fb%c3%a9          | ",
        "/caf%c3%a9            | /caf%C3%A9",
        "/a%20b                | /a%20b",
        "/a%3fb                | /a%3Fb",
        "//a///b//             | /a/b/",
        "/a/./b                | /a/b",
        "/a/b/../c             | /a/c",
        "/a/b/..               | /a/",
        "/a/b/.                | /a/b/",
        "/a/..                 | /",
        "/.                    | /",
        "/./a                  | /a",
        "/a/%2e%2E/b           | /b",
        "/a/.b/..c/...         | /a/.b/..c/...",
        "/a//../b              | /b",
        "/a;p=1/b@c:d          | /a;p=1/b@c:d",
    })
    void normalizesPaths(String raw, String expected) {
        assertEquals(expected, RequestPaths.normalize(raw));
    }

    @ParameterizedTest(name = "{0} is unsafe")
    @ValueSource(strings = {
        "", "foo", "*", "http://evil/", "/a%2Fb", "/a%2fb", "/a%5Cb", "/a%5cb", "/a\\b", "/a%00b", "/a%", "/a%4",
        "/a%zz", "/a%4g", "/..", "/../etc/passwd", "/a/../../b", "/%2e%2e/x", "/a b", "/a\tb", "/a\u007fb",
        "/caf\u00e9", "/a\nb",
    })
    void refusesPathsThatCannotBeNormalisedSafely(String raw) {
        assertNull(RequestPaths.normalize(raw));
    }

    @Test
    void refusesNull() {
        assertNull(RequestPaths.normalize(null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/foo", "/foo/", "/a/b/c", "/caf%C3%A9", "/a%20b", "/a.b/c..d/...", "/x;y=1"})
    void returnsTheSameInstanceWhenAlreadyNormal(String normal) {
        String input = new String(normal);
        assertSame(input, RequestPaths.normalize(input));
        assertTrue(RequestPaths.isNormal(input));
    }

    @ParameterizedTest
    @ValueSource(strings = {"//a/./b/../c/%7e%41", "/a/%2e/b/", "/x/y/..", "/%c3%a9//"})
    void normalisingTwiceChangesNothing(String raw) {
        String once = RequestPaths.normalize(raw);
        assertSame(once, RequestPaths.normalize(once));
        assertFalse(RequestPaths.isNormal(raw));
    }

    @Test
    void anAsciiQueryIsSentAsItIs() {
        String query = "a=1&b=%C3%A9&c=\"x\"";
        assertSame(query, RequestPaths.escapeQuery(query, true));
        assertSame(query, RequestPaths.escapeQuery(query, false));
    }

    @Test
    void aQueryDecodedFromUtf8GoesBackToItsBytesEscaped() {
        assertEquals("q=caf%C3%A9&j=%E6%97%A5&e=%F0%9F%99%82", RequestPaths.escapeQuery("q=caf\u00e9&j=\u65e5&e=\ud83d\ude42", true));
    }

    @Test
    void aQueryDecodedACharAByteGoesBackToThoseBytesEscaped() {
        assertEquals("q=caf%C3%A9&l=%E9", RequestPaths.escapeQuery("q=caf\u00c3\u00a9&l=\u00e9", false));
    }

    @Test
    void aReplacementCharFromUtf8DecodingMayHideLostBytesSoTheQueryIsRefused() {
        assertNull(RequestPaths.escapeQuery("q=caf\ufffd", true));
        assertEquals("q=%EF%BF%BD", RequestPaths.escapeQuery("q=\ufffd", false));
    }

    @Test
    void aPathAlsoHasTheAsciiCharsItMayNotHoldEscaped() {
        assertEquals("/caf%C3%A9/%3Cx%3E%7By%7D%7C%5E%60%22%5B0%5D", RequestPaths.escapePath("/caf\u00e9/<x>{y}|^`\"[0]", true));
        assertEquals("/caf%C3%A9", RequestPaths.escapePath("/caf\u00c3\u00a9", false));
        String normal = "/a-b/c_d~e/f;g=h/%41@:!$&'()*+,";
        assertSame(normal, RequestPaths.escapePath(normal, true));
        assertNull(RequestPaths.escapePath("/caf\ufffd", true));
        // escaped, then normalised: the escapes of unreserved chars are decoded, the others kept
        assertEquals("/caf%C3%A9/~x/%3C1%3E/", RequestPaths.normalize("/caf\u00e9/%7ex/y/../<1>//", true));
        assertNull(RequestPaths.normalize("/caf\ufffd", true));
        assertNull(RequestPaths.normalize(null, true));
    }

    @Test
    void aQueryKeepsItsAsciiCharsAsSent() {
        String query = "filter={\"a\":[1,2]}|x^y`z<>";
        assertSame(query, RequestPaths.escapeQuery(query, true));
    }
}
