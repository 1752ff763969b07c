package io.jingress.jetty.internal.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class UpstreamQueryTest {
    @Test
    void anAsciiQueryIsSentAsItIs() {
        String query = "a=1&b=%C3%A9&c=\"x\"";
        assertSame(query, UpstreamQuery.of(query, true));
        assertSame(query, UpstreamQuery.of(query, false));
    }

    @Test
    void aQueryDecodedFromUtf8GoesBackToItsBytesEscaped() {
        assertEquals("q=caf%C3%A9&j=%E6%97%A5&e=%F0%9F%99%82", UpstreamQuery.of("q=caf\u00e9&j=\u65e5&e=\ud83d\ude42", true));
    }

    @Test
    void aQueryDecodedACharAByteGoesBackToThoseBytesEscaped() {
        assertEquals("q=caf%C3%A9&l=%E9", UpstreamQuery.of("q=caf\u00c3\u00a9&l=\u00e9", false));
    }

    @Test
    void aReplacementCharFromUtf8DecodingMayHideLostBytesSoTheQueryIsRefused() {
        assertNull(UpstreamQuery.of("q=caf\ufffd", true));
        assertEquals("q=%EF%BF%BD", UpstreamQuery.of("q=\ufffd", false));
    }
}
