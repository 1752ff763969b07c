package io.jingress.core.route;

import java.util.List;
import java.util.Map;

/**
 * {@code proxy-connect-timeout} and {@code proxy-read-timeout}: an Ingress's own upstream timeouts,
 * in whole seconds as ingress-nginx writes them ({@code "120"}), over the server's
 * {@code connectTimeout} and {@code readTimeout}.
 *
 * <p>ingress-nginx reads them with Go's {@code strconv.Atoi} and writes {@code NNNs} into nginx's
 * configuration, so a unit ({@code "30s"}) or a fraction is not a value there either: it falls
 * back to the default, as it does here (with a problem saying so). Zero and negative numbers, which
 * ingress-nginx passes on to nginx, are refused too: a timeout of no time cannot be what was meant.
 * ingress-nginx sets no upper bound, nor does this (a number of seconds whose milliseconds do not
 * fit a {@code long}, past 292 million years, is refused as not a number).
 *
 * <p>{@code proxy-send-timeout} is not read, so it is reported as not implemented (see
 * docs/routing.md): a write to the endpoint that stalls is ended by the read timeout, which times
 * the upstream connection's silence either way.
 */
final class UpstreamTimeoutAnnotations {
    static final String CONNECT = "proxy-connect-timeout";
    static final String READ = "proxy-read-timeout";
    private static final long MAX_SECONDS = Long.MAX_VALUE / 1000;

    private UpstreamTimeoutAnnotations() {
    }

    /** Sets the timeouts that are set and valid on {@code builder}; a problem for each that is not valid. */
    static void read(Map<String, String> annotations, RoutePolicy.Builder builder, List<String> problems) {
        long connect = millis(RouteAnnotations.value(annotations, CONNECT), "connectTimeout", problems);
        if (connect > 0) {
            builder.connectTimeoutMillis(connect);
        }
        long read = millis(RouteAnnotations.value(annotations, READ), "readTimeout", problems);
        if (read > 0) {
            builder.readTimeoutMillis(read);
        }
    }

    /**
     * The value in milliseconds; 0 when not set, or not a positive whole number of seconds (then
     * with a problem naming the server setting that applies instead).
     */
    static long millis(RouteAnnotations.Named named, String serverSetting, List<String> problems) {
        if (named == null) {
            return 0;
        }
        long seconds = seconds(named.value());
        if (seconds > 0) {
            return seconds * 1000;
        }
        String why = seconds == 0 ? "is not more than 0 seconds" : "is not a whole number of seconds";
        problems.add(named.quoted() + " " + why + " (ingress-nginx writes seconds without a unit, such as \"60\"): "
                + "the server's " + serverSetting + " applies");
        return 0;
    }

    /**
     * A count of seconds: ASCII digits, optionally after a sign as Go's {@code Atoi} takes; -1 when
     * it is not one (or its milliseconds overflow), 0 when it is zero or negative.
     */
    static long seconds(String value) {
        int start = 0;
        boolean negative = false;
        if (!value.isEmpty() && (value.charAt(0) == '+' || value.charAt(0) == '-')) {
            negative = value.charAt(0) == '-';
            start = 1;
        }
        if (start == value.length()) {
            return -1;
        }
        long seconds = 0;
        for (int i = start; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            int digit = c - '0';
            if (seconds > (MAX_SECONDS - digit) / 10) {
                return -1;
            }
            seconds = seconds * 10 + digit;
        }
        return negative ? 0 : seconds;
    }

    /** The phrase of {@link RoutePolicy#describe()}, when either is set (0: the server's). */
    static void describe(long connectMillis, long readMillis, List<String> phrases) {
        if (connectMillis == 0 && readMillis == 0) {
            return;
        }
        StringBuilder phrase = new StringBuilder();
        if (connectMillis > 0) {
            phrase.append("connect timeout ").append(connectMillis / 1000).append(" s");
        }
        if (readMillis > 0) {
            phrase.append(phrase.length() > 0 ? ", " : "").append("read timeout ").append(readMillis / 1000).append(" s");
        }
        phrase.append(connectMillis > 0 && readMillis > 0 ? " (proxy-*-timeout)"
                : connectMillis > 0 ? " (" + CONNECT + ")" : " (" + READ + ")");
        phrases.add(phrase.toString());
    }
}
