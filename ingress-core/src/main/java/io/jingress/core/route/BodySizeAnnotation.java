package io.jingress.core.route;

import java.util.List;
import java.util.Map;

/**
 * Reads {@code proxy-body-size}, nginx's {@code client_max_body_size}: the largest request body
 * the Ingress's routes take. A size as nginx writes one: bytes, or a number with {@code k}/{@code K},
 * {@code m}/{@code M} or {@code g}/{@code G} (multiples of 1024); {@code 0} is no limit. Any other
 * value is a problem, and the routes keep the server's limit.
 */
final class BodySizeAnnotation {
    static final String NAME = "proxy-body-size";

    private BodySizeAnnotation() {
    }

    static void read(Map<String, String> annotations, RoutePolicy.Builder builder, List<String> problems) {
        RouteAnnotations.Named named = RouteAnnotations.value(annotations, NAME);
        if (named == null) {
            return;
        }
        long bytes = parseSize(named.value());
        if (bytes < 0) {
            problems.add(named.quoted() + " is not a size (bytes, or a number with k, m or g, such as 8m; 0 for no"
                    + " limit): the Ingress's routes keep the server's request body limit");
            return;
        }
        builder.maxRequestBodyBytes(bytes);
    }

    /**
     * The bytes a size as nginx writes it stands for: digits, optionally followed by one of
     * {@code kKmMgG} (1024, 1024², 1024³); -1 when {@code text} is not such a size or the bytes
     * do not fit a {@code long}. {@code 0} is 0 (no limit).
     */
    static long parseSize(String text) {
        if (text == null) {
            return -1;
        }
        int n = text.length();
        int shift = 0;
        if (n > 0) {
            switch (text.charAt(n - 1)) {
                case 'k', 'K' -> shift = 10;
                case 'm', 'M' -> shift = 20;
                case 'g', 'G' -> shift = 30;
                default -> {
                }
            }
        }
        int digits = shift == 0 ? n : n - 1;
        if (digits == 0 || digits > 18) {
            return -1;  // 18 digits always fit a long; nobody means more
        }
        long value = 0;
        for (int i = 0; i < digits; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        if (value > (Long.MAX_VALUE >> shift)) {
            return -1;
        }
        return value << shift;
    }

    /** {@code bytes} in the largest binary unit that divides it: {@code 8 MiB}, {@code 1500 bytes}. */
    static String describe(long bytes) {
        String[] units = {"GiB", "MiB", "KiB"};
        int[] shifts = {30, 20, 10};
        for (int i = 0; i < units.length; i++) {
            long unit = 1L << shifts[i];
            if (bytes >= unit && bytes % unit == 0) {
                return (bytes >> shifts[i]) + " " + units[i];
            }
        }
        return bytes + (bytes == 1 ? " byte" : " bytes");
    }
}
