package io.jingress.core.route;

import java.util.List;
import java.util.Map;

/**
 * {@code proxy-next-upstream}, {@code proxy-next-upstream-tries} and
 * {@code proxy-next-upstream-timeout}: when a failed try moves a request to the next endpoint
 * ({@link RouteRetries}). An annotation left out keeps what {@link RouteRetries#DEFAULT} does.
 *
 * <p>The conditions are nginx's words, separated by spaces: {@code error}, {@code timeout},
 * {@code invalid_header}, {@code http_500}, {@code http_502}, {@code http_503}, {@code http_504},
 * {@code http_403}, {@code http_404}, {@code http_429}, {@code non_idempotent}, {@code off} (which
 * wins over the others, as in nginx). A word that is not one of them is left out with a problem
 * (nginx would refuse the whole configuration); with none left, the default applies.
 */
final class NextUpstreamAnnotations {
    static final String CONDITIONS = "proxy-next-upstream";
    static final String TRIES = "proxy-next-upstream-tries";
    static final String TIMEOUT = "proxy-next-upstream-timeout";
    static final List<String> NAMES = List.of(CONDITIONS, TRIES, TIMEOUT);

    private NextUpstreamAnnotations() {
    }

    /** Sets {@link RoutePolicy#retries()} when any of the three is set and valid; a problem for each that is not. */
    static void read(Map<String, String> annotations, RoutePolicy.Builder builder, List<String> problems) {
        int conditions = conditions(RouteAnnotations.value(annotations, CONDITIONS), problems);
        int tries = tries(RouteAnnotations.value(annotations, TRIES), problems);
        long timeoutMillis = timeoutMillis(RouteAnnotations.value(annotations, TIMEOUT), problems);
        if (conditions < 0 && tries < 0 && timeoutMillis <= 0) {
            return;
        }
        builder.retries(new RouteRetries(conditions < 0 ? RouteRetries.DEFAULT.conditions() : conditions, tries,
                Math.max(0, timeoutMillis)));
    }

    /** The flags named; -1 when not set or none is valid (the default applies). */
    private static int conditions(RouteAnnotations.Named named, List<String> problems) {
        if (named == null) {
            return -1;
        }
        int flags = 0;
        boolean off = false;
        boolean valid = false;
        StringBuilder unknown = new StringBuilder();
        for (String word : named.value().split("[\\s,]+")) {
            if (word.isEmpty()) {
                continue;
            }
            int flag = flag(word);
            if (word.equals("off")) {
                off = true;
                valid = true;
            } else if (flag != 0) {
                flags |= flag;
                valid = true;
            } else {
                unknown.append(unknown.length() == 0 ? "" : ", ").append('"').append(word).append('"');
            }
        }
        if (unknown.length() > 0) {
            problems.add(named.quoted() + " names " + unknown + ", not a condition of nginx's proxy_next_upstream "
                    + "(error, timeout, invalid_header, http_500, http_502, http_503, http_504, http_403, http_404, "
                    + "http_429, non_idempotent, off): " + (valid ? "left out" : "the default applies (a failed connect "
                    + "or a broken connection moves an idempotent request to the next endpoint)"));
        }
        if (!valid) {
            return -1;
        }
        return off ? 0 : flags;
    }

    private static int flag(String word) {
        return switch (word) {
            case "error" -> RouteRetries.ERROR;
            case "timeout" -> RouteRetries.CONNECT_TIMEOUT | RouteRetries.READ_TIMEOUT;
            case "invalid_header" -> RouteRetries.INVALID_HEADER;
            case "non_idempotent" -> RouteRetries.NON_IDEMPOTENT;
            default -> word.startsWith("http_") && word.length() == 8 && isDigits(word.substring(5))
                    ? RouteRetries.statusFlag(Integer.parseInt(word.substring(5))) : 0;
        };
    }

    private static boolean isDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** Tries in all, 0 for "as many as there are endpoints"; -1 when not set or not valid (the server's). */
    private static int tries(RouteAnnotations.Named named, List<String> problems) {
        if (named == null) {
            return -1;
        }
        long n = UpstreamTimeoutAnnotations.seconds(named.value());
        if (n < 0 || n > Integer.MAX_VALUE || named.value().startsWith("-")) {
            problems.add(named.quoted() + " is not a whole number of tries of 0 or more (0: as many as the backend has "
                    + "endpoints): the server's maxTries applies");
            return -1;
        }
        return (int) n;
    }

    /** The timeout; 0 when "0", -1 when not set or not valid. */
    private static long timeoutMillis(RouteAnnotations.Named named, List<String> problems) {
        if (named == null) {
            return -1;
        }
        long seconds = UpstreamTimeoutAnnotations.seconds(named.value());
        if (seconds < 0 || named.value().startsWith("-")) {
            problems.add(named.quoted() + " is not a whole number of seconds of 0 or more (0: no limit): "
                    + "tries are not limited in time");
            return -1;
        }
        return seconds * 1000;
    }
}
