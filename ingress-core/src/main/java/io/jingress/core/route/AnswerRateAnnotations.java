package io.jingress.core.route;

import java.util.List;
import java.util.Map;

/**
 * Reads {@code limit-rate} and {@code limit-rate-after}. ingress-nginx reads each as a whole
 * number of kilobytes and writes {@code limit_rate Nk} and {@code limit_rate_after Nk}: so a bare
 * number here is KiB too ({@code "100"}: 100 KiB/s); a number with nginx's {@code k}/{@code K} or
 * {@code m}/{@code M} (or {@code g}) is that size ({@code "512k"}, {@code "1m"}). {@code 0} (the
 * default) is no limit; {@code limit-rate-after} without a rate does nothing, as in nginx. A value
 * that is neither is a problem, and the answers are not limited (the rate), or limited from their
 * first byte (the bytes after).
 */
final class AnswerRateAnnotations {
    static final String RATE = "limit-rate";
    static final String AFTER = "limit-rate-after";
    static final List<String> NAMES = List.of(RATE, AFTER);

    private AnswerRateAnnotations() {
    }

    static void read(Map<String, String> annotations, RoutePolicy.Builder builder, List<String> problems) {
        RouteAnnotations.Named rate = RouteAnnotations.value(annotations, RATE);
        RouteAnnotations.Named after = RouteAnnotations.value(annotations, AFTER);
        long afterBytes = 0;
        if (after != null) {
            afterBytes = parseKilobytes(after.value());
            if (afterBytes < 0) {
                problems.add(after.quoted() + " is not a size (kilobytes, such as 1024, or a number with k, m or g):"
                        + " each answer is limited from its first byte");
                afterBytes = 0;
            }
        }
        if (rate == null) {
            return;
        }
        long bytesPerSecond = parseKilobytes(rate.value());
        if (bytesPerSecond < 0) {
            problems.add(rate.quoted() + " is not a rate (kilobytes per second, such as 100, or a number with k or m;"
                    + " 0 for no limit): the answers are not limited");
            return;
        }
        if (bytesPerSecond > 0) {
            builder.answerRate(new AnswerRate(bytesPerSecond, afterBytes));
        }
    }

    /**
     * The bytes of a value as ingress-nginx and nginx read it: digits alone are kilobytes (1024
     * bytes), digits with {@code k}, {@code m} or {@code g} a size as nginx writes it; -1 when it is
     * neither or too large.
     */
    static long parseKilobytes(String text) {
        if (text == null || text.isEmpty()) {
            return -1;
        }
        char end = text.charAt(text.length() - 1);
        if (end >= '0' && end <= '9') {
            long kilobytes = BodySizeAnnotation.parseSize(text);
            return kilobytes < 0 || kilobytes > (Long.MAX_VALUE >> 10) ? -1 : kilobytes << 10;
        }
        return BodySizeAnnotation.parseSize(text);
    }
}
