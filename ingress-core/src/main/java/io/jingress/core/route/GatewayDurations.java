package io.jingress.core.route;

/**
 * The Gateway API's durations (GEP-2257), as an HTTPRoute's {@code timeouts} write them: one to
 * four groups of a whole number of at most 5 digits and a unit, {@code h}, {@code m}, {@code s} or
 * {@code ms}, such as {@code 10s}, {@code 1m30s}, {@code 500ms}; no sign, no fraction, no space.
 */
final class GatewayDurations {
    private GatewayDurations() {
    }

    /** The duration in milliseconds; -1 when {@code text} is not a Gateway API duration. */
    static long millis(String text) {
        int groups = 0;
        long total = 0;
        int i = 0;
        int n = text.length();
        if (n == 0) {
            return -1;
        }
        while (i < n) {
            int start = i;
            long number = 0;
            while (i < n && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
                number = number * 10 + (text.charAt(i) - '0');
                i++;
            }
            if (i == start || i - start > 5 || i == n || ++groups > 4) {
                return -1;
            }
            char unit = text.charAt(i++);
            long scale;
            if (unit == 'h') {
                scale = 3_600_000;
            } else if (unit == 's') {
                scale = 1000;
            } else if (unit == 'm' && i < n && text.charAt(i) == 's') {
                i++;
                scale = 1;
            } else if (unit == 'm') {
                scale = 60_000;
            } else {
                return -1;
            }
            total += number * scale;
        }
        return total;
    }

    /** Milliseconds as a phrase: {@code 1.5 s}, {@code 300 ms}, {@code 2 min}. */
    static String describe(long millis) {
        if (millis < 1000) {
            return millis + " ms";
        }
        if (millis % 60_000 == 0) {
            return millis / 60_000 + " min";
        }
        if (millis % 1000 == 0) {
            return millis / 1000 + " s";
        }
        return java.math.BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString() + " s";
    }
}
