package io.jingress.jetty.internal.tls;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The few ASN.1 DER encodings and the one decoding that key conversion and certificate generation
 * need, so that neither depends on BouncyCastle or {@code sun.security.*}.
 */
final class Der {
    static final int INTEGER = 0x02;
    static final int BIT_STRING = 0x03;
    static final int OCTET_STRING = 0x04;
    static final int NULL = 0x05;
    static final int OID = 0x06;
    static final int UTF8_STRING = 0x0c;
    static final int UTC_TIME = 0x17;
    static final int GENERALIZED_TIME = 0x18;
    static final int SEQUENCE = 0x30;
    static final int SET = 0x31;

    private static final DateTimeFormatter UTC_TIME_FORMAT = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'");
    private static final DateTimeFormatter GENERALIZED_TIME_FORMAT = DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'");

    private Der() {
    }

    static byte[] tlv(int tag, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length + 6);
        out.write(tag);
        writeLength(out, value.length);
        out.writeBytes(value);
        return out.toByteArray();
    }

    private static void writeLength(ByteArrayOutputStream out, int length) {
        if (length < 0x80) {
            out.write(length);
            return;
        }
        int bytes = length > 0xffffff ? 4 : length > 0xffff ? 3 : length > 0xff ? 2 : 1;
        out.write(0x80 | bytes);
        for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) {
            out.write(length >>> shift);
        }
    }

    static byte[] sequence(byte[]... elements) {
        return tlv(SEQUENCE, concat(elements));
    }

    static byte[] set(byte[]... elements) {
        return tlv(SET, concat(elements));
    }

    static byte[] integer(BigInteger value) {
        return tlv(INTEGER, value.toByteArray());
    }

    static byte[] integer(long value) {
        return integer(BigInteger.valueOf(value));
    }

    static byte[] nullValue() {
        return new byte[] {NULL, 0};
    }

    static byte[] octetString(byte[] value) {
        return tlv(OCTET_STRING, value);
    }

    /** A BIT STRING whose last {@code unusedBits} bits are padding. */
    static byte[] bitString(byte[] value, int unusedBits) {
        byte[] content = new byte[value.length + 1];
        content[0] = (byte) unusedBits;
        System.arraycopy(value, 0, content, 1, value.length);
        return tlv(BIT_STRING, content);
    }

    static byte[] utf8String(String value) {
        return tlv(UTF8_STRING, value.getBytes(StandardCharsets.UTF_8));
    }

    /** [n] EXPLICIT: a constructed context-specific tag around a complete encoding. */
    static byte[] explicit(int tagNumber, byte[] encoded) {
        return tlv(0xa0 | tagNumber, encoded);
    }

    /** [n] IMPLICIT of a primitive value, e.g. a dNSName in a GeneralName. */
    static byte[] implicitPrimitive(int tagNumber, byte[] value) {
        return tlv(0x80 | tagNumber, value);
    }

    /** RFC 5280 section 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050. */
    static byte[] time(ZonedDateTime time) {
        ZonedDateTime utc = time.withZoneSameInstant(ZoneOffset.UTC).withNano(0);
        if (utc.getYear() < 2050) {
            return tlv(UTC_TIME, UTC_TIME_FORMAT.format(utc).getBytes(StandardCharsets.US_ASCII));
        }
        return tlv(GENERALIZED_TIME, GENERALIZED_TIME_FORMAT.format(utc).getBytes(StandardCharsets.US_ASCII));
    }

    static byte[] oid(String dotted) {
        String[] parts = dotted.split("\\.");
        if (parts.length < 2) {
            throw new IllegalArgumentException("not an OID: " + dotted);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeBase128(out, Long.parseLong(parts[0]) * 40 + Long.parseLong(parts[1]));
        for (int i = 2; i < parts.length; i++) {
            writeBase128(out, Long.parseLong(parts[i]));
        }
        return tlv(OID, out.toByteArray());
    }

    private static void writeBase128(ByteArrayOutputStream out, long value) {
        int groups = 1;
        for (long rest = value >>> 7; rest != 0; rest >>>= 7) {
            groups++;
        }
        for (int group = groups - 1; group >= 0; group--) {
            int bits = (int) (value >>> (group * 7)) & 0x7f;
            out.write(group == 0 ? bits : bits | 0x80);
        }
    }

    static String decodeOid(byte[] content) {
        StringBuilder dotted = new StringBuilder();
        long value = 0;
        boolean first = true;
        for (byte b : content) {
            value = (value << 7) | (b & 0x7f);
            if ((b & 0x80) == 0) {
                if (first) {
                    long arc0 = Math.min(value / 40, 2);
                    dotted.append(arc0).append('.').append(value - arc0 * 40);
                    first = false;
                } else {
                    dotted.append('.').append(value);
                }
                value = 0;
            }
        }
        return dotted.toString();
    }

    static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    /** One decoded TLV: its tag, its content, and its whole encoding. */
    record Element(int tag, byte[] content, byte[] encoded) {

        /** The elements of a constructed value (SEQUENCE, SET, explicit tag). */
        List<Element> children() {
            List<Element> children = new ArrayList<>();
            int at = 0;
            while (at < content.length) {
                Element child = read(content, at);
                children.add(child);
                at += child.encoded.length;
            }
            return children;
        }
    }

    /** Reads the single element that fills {@code bytes}. */
    static Element read(byte[] bytes) {
        Element element = read(bytes, 0);
        if (element.encoded.length != bytes.length) {
            throw new IllegalArgumentException("trailing bytes after DER element");
        }
        return element;
    }

    static Element read(byte[] bytes, int offset) {
        if (offset + 2 > bytes.length) {
            throw new IllegalArgumentException("truncated DER");
        }
        int tag = bytes[offset] & 0xff;
        if ((tag & 0x1f) == 0x1f) {
            throw new IllegalArgumentException("multi-byte DER tags are not supported");
        }
        int at = offset + 1;
        int first = bytes[at++] & 0xff;
        int length;
        if (first < 0x80) {
            length = first;
        } else {
            int count = first & 0x7f;
            if (count == 0 || count > 4 || at + count > bytes.length) {
                throw new IllegalArgumentException("bad DER length");
            }
            length = 0;
            for (int i = 0; i < count; i++) {
                length = (length << 8) | (bytes[at++] & 0xff);
            }
            if (length < 0) {
                throw new IllegalArgumentException("bad DER length");
            }
        }
        if (at + length > bytes.length) {
            throw new IllegalArgumentException("truncated DER");
        }
        byte[] content = new byte[length];
        System.arraycopy(bytes, at, content, 0, length);
        byte[] encoded = new byte[at + length - offset];
        System.arraycopy(bytes, offset, encoded, 0, encoded.length);
        return new Element(tag, content, encoded);
    }
}
