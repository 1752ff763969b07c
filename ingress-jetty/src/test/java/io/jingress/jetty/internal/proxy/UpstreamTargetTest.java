package io.jingress.jetty.internal.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class UpstreamTargetTest {
    @Test
    void anAsciiQueryIsSentAsItIs() {
        String query = "a=1&b=%C3%A9&c=\"x\"";
        assertSame(query, UpstreamTarget.query(query, true));
        assertSame(query, UpstreamTarget.query(query, false));
    }

    @Test
    void aQueryDecodedFromUtf8GoesBackToItsBytesEscaped() {
        assertEquals("q=caf%C3%A9&j=%E6%97%A5&e=%F0%9F%99%82", UpstreamTarget.query("q=caf\u00e9&j=\u65e5&e=\ud83d\ude42", true));
    }

    @Test
    void aQueryDecodedACharAByteGoesBackToThoseBytesEscaped() {
        assertEquals("q=caf%C3%A9&l=%E9", UpstreamTarget.query("q=caf\u00c3\u00a9&l=\u00e9", false));
    }

    @Test
    void aReplacementCharFromUtf8DecodingMayHideLostBytesSoTheQueryIsRefused() {
        assertNull(UpstreamTarget.query("q=caf\ufffd", true));
        assertEquals("q=%EF%BF%BD", UpstreamTarget.query("q=\ufffd", false));
    }

    @Test
    void aPathAlsoHasTheAsciiCharsItMayNotHoldEscaped() {
        assertEquals("/caf%C3%A9/%3Cx%3E%7By%7D%7C%5E%60%22%5B0%5D", UpstreamTarget.path("/caf\u00e9/<x>{y}|^`\"[0]", true));
        assertEquals("/caf%C3%A9", UpstreamTarget.path("/caf\u00c3\u00a9", false));
        String normal = "/a-b/c_d~e/f;g=h/%41@:!$&'()*+,";
        assertSame(normal, UpstreamTarget.path(normal, true));
        assertNull(UpstreamTarget.path("/caf\ufffd", true));
    }

    @Test
    void aQueryKeepsItsAsciiCharsAsSent() {
        String query = "filter={\"a\":[1,2]}|x^y`z<>";
        assertSame(query, UpstreamTarget.query(query, true));
    }
}
