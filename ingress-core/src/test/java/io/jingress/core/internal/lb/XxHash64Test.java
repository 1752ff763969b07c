package io.jingress.core.internal.lb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class XxHash64Test {

    @Test
    void bytesHashToThePublishedXxh64Values() {
        assertEquals(0xEF46DB3751D8E999L, XxHash64.hash(new byte[0], 0));
        assertEquals(0xD24EC4F1A98C6E5BL, XxHash64.hash("a".getBytes(StandardCharsets.US_ASCII), 0));
        assertEquals(0x44BC2CF5AD770999L, XxHash64.hash("abc".getBytes(StandardCharsets.US_ASCII), 0));
        assertEquals(0xFBCEA83C8A378BF1L,
                XxHash64.hash("Nobody inspects the spammish repetition".getBytes(StandardCharsets.US_ASCII), 0));
    }

    @Test
    void aStringHashesLikeItsUtf16LittleEndianBytes() {
        StringBuilder text = new StringBuilder();
        for (int length = 0; length <= 70; length++) {
            String s = text.toString();
            assertEquals(XxHash64.hash(s.getBytes(StandardCharsets.UTF_16LE), 42), XxHash64.hash(s, 42), "length " + length);
            text.append((char) ('a' + length % 26 + (length % 7 == 0 ? 0x400 : 0)));
        }
    }
}
