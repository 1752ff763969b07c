package io.jingress.core.route;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads {@code auth-cache-key} and {@code auth-cache-duration} into an {@link AuthCache}. Any
 * doubt means no caching (every request checked), said as a problem; never a key that could
 * give one request another's answer.
 */
final class AuthCacheAnnotations {
    static final String KEY = "auth-cache-key";
    static final String DURATION = "auth-cache-duration";
    /** ingress-nginx's {@code DefaultCacheDuration}. */
    static final String DEFAULT_DURATION = "200 202 401 5m";
    private static final String NOT_CACHED = "no answer of the auth service is cached, every request is checked";

    private AuthCacheAnnotations() {
    }

    /** The cache the annotations ask for, or null (none, or a problem added). {@code method}: auth-method's, null for GET. */
    static AuthCache read(Map<String, String> annotations, String method, List<String> problems) {
        RouteAnnotations.Named keyNamed = RouteAnnotations.value(annotations, KEY);
        RouteAnnotations.Named durationNamed = RouteAnnotations.value(annotations, DURATION);
        boolean hasDuration = durationNamed != null && !durationNamed.value().trim().isEmpty();
        if (keyNamed == null || keyNamed.value().isEmpty()) {
            if (hasDuration) {
                problems.add(durationNamed.quoted() + " has no effect without " + KEY + ": " + NOT_CACHED);
            }
            return null;
        }
        List<AuthCache.Part> key = new ArrayList<>();
        String badKey = parseKey(keyNamed.value(), key);
        if (badKey != null) {
            problems.add(keyNamed.quoted() + " cannot be used: " + badKey + "; " + NOT_CACHED);
            return null;
        }
        String durationText = hasDuration ? durationNamed.value().trim() : DEFAULT_DURATION;
        List<AuthCache.Duration> durations = new ArrayList<>();
        String badDuration = parseDurations(durationText, durations);
        if (badDuration != null) {
            problems.add(durationNamed.quoted() + " cannot be used: " + badDuration + "; " + NOT_CACHED);
            return null;
        }
        if (method != null && !method.equals("GET") && !method.equals("HEAD")) {
            problems.add(keyNamed.quoted() + " has no effect with auth-method " + method + ": as nginx (proxy_cache_methods GET"
                    + " HEAD), only answers to GET and HEAD are cached; every request is checked");
            return null;
        }
        return new AuthCache(keyNamed.value(), key, durationText, durations);
    }

    /** Fills {@code parts}; returns why the key cannot be used, or null. */
    static String parseKey(String text, List<AuthCache.Part> parts) {
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '$') {
                literal.append(c);
                i++;
                continue;
            }
            String name;
            int end;
            if (i + 1 < text.length() && text.charAt(i + 1) == '{') {
                int close = text.indexOf('}', i + 2);
                if (close < 0) {
                    return "\"${\" is not closed";
                }
                name = text.substring(i + 2, close);
                end = close + 1;
            } else {
                end = i + 1;
                while (end < text.length() && isNameChar(text.charAt(end))) {
                    end++;
                }
                name = text.substring(i + 1, end);
            }
            if (name.isEmpty() || !name.chars().allMatch(ch -> isNameChar((char) ch))) {
                return "\"$\" at " + i + " names no variable";
            }
            AuthCache.Part part = variable(name);
            if (part == null) {
                return "$" + name + " is not a variable Jingress fills in (it fills in $host, $http_host, $scheme,"
                        + " $request_uri, $escaped_request_uri, $uri, $remote_addr, $remote_user, $http_NAME, $cookie_NAME)";
            }
            if (literal.length() > 0) {
                parts.add(new AuthCache.Part(AuthCache.Source.TEXT, literal.toString()));
                literal.setLength(0);
            }
            parts.add(part);
            i = end;
        }
        if (literal.length() > 0) {
            parts.add(new AuthCache.Part(AuthCache.Source.TEXT, literal.toString()));
        }
        if (parts.stream().allMatch(p -> p.source() == AuthCache.Source.TEXT)) {
            return "it names no variable: every client would share one answer";
        }
        return null;
    }

    private static AuthCache.Part variable(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        AuthCache.Source source = switch (lower) {
            case "host" -> AuthCache.Source.HOST;
            case "http_host" -> AuthCache.Source.HTTP_HOST;
            case "scheme" -> AuthCache.Source.SCHEME;
            case "request_uri" -> AuthCache.Source.REQUEST_URI;
            case "escaped_request_uri" -> AuthCache.Source.ESCAPED_REQUEST_URI;
            case "uri" -> AuthCache.Source.URI;
            case "remote_addr" -> AuthCache.Source.REMOTE_ADDR;
            case "remote_user" -> AuthCache.Source.REMOTE_USER;
            default -> null;
        };
        if (source != null) {
            return new AuthCache.Part(source, "");
        }
        if (lower.startsWith("http_") && lower.length() > 5) {
            // nginx: the header's name lower case with '-' as '_'
            return new AuthCache.Part(AuthCache.Source.HEADER, lower.substring(5).replace('_', '-'));
        }
        if (lower.startsWith("cookie_") && lower.length() > 7) {
            return new AuthCache.Part(AuthCache.Source.COOKIE, name.substring(7));
        }
        return null;
    }

    private static boolean isNameChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_';
    }

    /**
     * Fills {@code durations} from a comma-separated list of nginx {@code proxy_cache_valid}
     * arguments ({@code [code ...] time ...}; no code: 200, 301 and 302; {@code any}: every status);
     * returns why it cannot be used, or null.
     */
    static String parseDurations(String text, List<AuthCache.Duration> durations) {
        for (String entry : text.split(",")) {
            entry = entry.trim();
            if (entry.isEmpty()) {
                continue;
            }
            List<Integer> statuses = new ArrayList<>();
            boolean any = false;
            long millis = 0;
            boolean timeSeen = false;
            for (String token : entry.split("\\s+")) {
                if (token.matches("[1-5][0-9][0-9]") && !timeSeen) {
                    statuses.add(Integer.parseInt(token));
                } else if (token.equals("any") && !timeSeen) {
                    any = true;
                } else {
                    long time = millis(token);
                    if (time < 0) {
                        return "\"" + token + "\" in \"" + entry + "\" is neither a status (before the time) nor a time"
                                + " such as 5m, 30s or 1h 30m";
                    }
                    millis += time;
                    timeSeen = true;
                }
            }
            if (!timeSeen) {
                return "\"" + entry + "\" gives no time";
            }
            if (any) {
                statuses.clear();
            } else if (statuses.isEmpty()) {
                statuses.addAll(List.of(200, 301, 302));
            }
            durations.add(new AuthCache.Duration(statuses, millis));
        }
        if (durations.isEmpty()) {
            return "it gives no duration";
        }
        return null;
    }

    /** nginx's time: digits and ms, s, m, h, d, w, M (30 days) or y (365 days); -1 when not one. */
    private static long millis(String token) {
        int unit = 0;
        while (unit < token.length() && Character.isDigit(token.charAt(unit))) {
            unit++;
        }
        if (unit == 0 || unit > 12) {
            return -1;
        }
        long n = Long.parseLong(token.substring(0, unit));
        long factor = switch (token.substring(unit)) {
            case "ms" -> 1L;
            case "s" -> 1000L;
            case "m" -> 60_000L;
            case "h" -> 3_600_000L;
            case "d" -> 86_400_000L;
            case "w" -> 7 * 86_400_000L;
            case "M" -> 30 * 86_400_000L;
            case "y" -> 365 * 86_400_000L;
            default -> -1L;
        };
        if (factor < 0) {
            return -1;
        }
        try {
            return Math.multiplyExact(n, factor);
        } catch (ArithmeticException tooLong) {
            return -1;
        }
    }
}
