package io.jingress.core.route;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads ingress-nginx's canary annotations: {@code canary} (whether the Ingress is a canary),
 * {@code canary-by-header}, {@code canary-by-header-value}, {@code canary-by-header-pattern},
 * {@code canary-by-cookie}, {@code canary-weight}, {@code canary-weight-total} and
 * {@code affinity-canary-behavior}. A value that is
 * not understood is a problem, and the part of the rule it sets is left out: a mistake never sends
 * more requests to the canary than were asked for (a bad weight is 0, a bad header or pattern
 * leaves the header out of the rule).
 */
final class CanaryAnnotations {
    static final String CANARY = "canary";
    static final String BY_HEADER = "canary-by-header";
    static final String BY_HEADER_VALUE = "canary-by-header-value";
    static final String BY_HEADER_PATTERN = "canary-by-header-pattern";
    static final String BY_COOKIE = "canary-by-cookie";
    static final String WEIGHT = "canary-weight";
    static final String WEIGHT_TOTAL = "canary-weight-total";
    /** Read from the canary Ingress, as ingress-nginx's {@code mergeAlternativeBackend} does. */
    static final String AFFINITY_BEHAVIOR = "affinity-canary-behavior";
    static final List<String> NAMES = List.of(CANARY, BY_HEADER, BY_HEADER_VALUE, BY_HEADER_PATTERN, BY_COOKIE,
            WEIGHT, WEIGHT_TOTAL, AFFINITY_BEHAVIOR);
    private static final int DEFAULT_TOTAL = 100;

    private CanaryAnnotations() {
    }

    /**
     * The rule read from a canary Ingress's annotations.
     *
     * @param header null when none
     * @param headerValue null when none
     * @param headerPattern null when none, or when a header value is set
     * @param cookie null when none
     * @param weight 0 to {@code weightTotal}
     * @param weightTotal positive
     * @param legacyAffinity {@code affinity-canary-behavior: legacy}: the rule decides every request,
     *     whatever its affinity cookie says
     */
    record Rule(String header, String headerValue, Pattern headerPattern, String cookie, int weight, int weightTotal,
            boolean legacyAffinity) {
    }

    /**
     * Whether the Ingress is a canary ({@code canary} is true as Go's {@code ParseBool} reads it);
     * a problem when the value is not a boolean, or when other canary annotations are set on an
     * Ingress that is not a canary (they then do nothing, as in ingress-nginx).
     */
    static boolean isCanary(Map<String, String> annotations, List<String> problems) {
        RouteAnnotations.Named canary = RouteAnnotations.value(annotations, CANARY);
        Boolean on = canary == null ? Boolean.FALSE : RouteAnnotations.parseBool(canary.value());
        if (on == null) {
            problems.add(canary.quoted() + " is not true or false: the Ingress is not a canary, and is served as an"
                    + " ordinary Ingress (as ingress-nginx does)");
            on = Boolean.FALSE;
        }
        if (!on) {
            for (String name : NAMES.subList(1, NAMES.size())) {
                RouteAnnotations.Named named = RouteAnnotations.value(annotations, name);
                if (named != null) {
                    problems.add(named.quoted() + " has no effect: the Ingress is not a canary (canary: \"true\")");
                }
            }
        }
        return on;
    }

    /** The rule of a canary Ingress; a problem for each value that is not understood. */
    static Rule read(Map<String, String> annotations, List<String> problems) {
        String header = token(RouteAnnotations.value(annotations, BY_HEADER), "header", problems);
        RouteAnnotations.Named value = RouteAnnotations.value(annotations, BY_HEADER_VALUE);
        RouteAnnotations.Named pattern = RouteAnnotations.value(annotations, BY_HEADER_PATTERN);
        String headerValue = null;
        Pattern headerPattern = null;
        if (header == null) {
            for (RouteAnnotations.Named named : new RouteAnnotations.Named[] {value, pattern}) {
                if (named != null) {
                    problems.add(named.quoted() + " has no effect without a valid " + BY_HEADER);
                }
            }
        } else if (value != null && !value.value().isEmpty()) {
            headerValue = value.value();
            if (pattern != null) {
                problems.add(pattern.quoted() + " has no effect: " + value.name() + " is set, and is used instead");
            }
        } else if (pattern != null && !pattern.value().isEmpty()) {
            try {
                headerPattern = Pattern.compile(pattern.value());
            } catch (PatternSyntaxException e) {
                problems.add(pattern.quoted() + " is not a regular expression (" + e.getDescription()
                        + "): the header " + header + " does not choose the canary");
                header = null;
            }
        }
        String cookie = token(RouteAnnotations.value(annotations, BY_COOKIE), "cookie", problems);
        int total = DEFAULT_TOTAL;
        RouteAnnotations.Named totalNamed = RouteAnnotations.value(annotations, WEIGHT_TOTAL);
        if (totalNamed != null) {
            long parsed = parseInt(totalNamed.value());
            if (parsed > 0) {
                total = (int) parsed;
            } else {
                problems.add(totalNamed.quoted() + " is not a whole number above 0: the total is " + DEFAULT_TOTAL);
            }
        }
        int weight = 0;
        RouteAnnotations.Named weightNamed = RouteAnnotations.value(annotations, WEIGHT);
        if (weightNamed != null) {
            long parsed = parseInt(weightNamed.value());
            if (parsed >= 0 && parsed <= total) {
                weight = (int) parsed;
            } else {
                problems.add(weightNamed.quoted() + " is not a whole number from 0 to " + total
                        + " (the weight total): the weight is 0, no request goes to the canary by weight");
            }
        }
        return new Rule(header, headerValue, headerPattern, cookie, weight, total, legacyAffinity(annotations, problems));
    }

    // sticky (the default) or legacy, in any case; anything else is sticky, as ingress-nginx's "!= legacy"
    private static boolean legacyAffinity(Map<String, String> annotations, List<String> problems) {
        RouteAnnotations.Named named = RouteAnnotations.value(annotations, AFFINITY_BEHAVIOR);
        if (named == null || named.value().equalsIgnoreCase("sticky")) {
            return false;
        }
        if (named.value().equalsIgnoreCase("legacy")) {
            return true;
        }
        problems.add(named.quoted() + " is not one of sticky, legacy: as \"sticky\", a client whose affinity cookie"
                + " names the main backend or the canary stays there");
        return false;
    }

    // a header or cookie name: an HTTP token; null (with a problem) when it is not one, null when not set
    private static String token(RouteAnnotations.Named named, String what, List<String> problems) {
        if (named == null || named.value().isEmpty()) {
            return null;
        }
        String name = named.value();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean tchar = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!tchar) {
                problems.add(named.quoted() + " is not a " + what + " name (letters, digits and !#$%&'*+-.^_`|~):"
                        + " no " + what + " chooses the canary");
                return null;
            }
        }
        return name;
    }

    /** A whole number as Go's {@code Atoi} reads one (optional sign, ASCII digits) that fits an int; else {@code Long.MIN_VALUE}. */
    static long parseInt(String value) {
        int start = !value.isEmpty() && (value.charAt(0) == '+' || value.charAt(0) == '-') ? 1 : 0;
        if (start == value.length() || value.length() - start > 10) {
            return Long.MIN_VALUE;
        }
        long n = 0;
        for (int i = start; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return Long.MIN_VALUE;
            }
            n = n * 10 + (c - '0');
        }
        n = value.charAt(0) == '-' ? -n : n;
        return n > Integer.MAX_VALUE || n < Integer.MIN_VALUE ? Long.MIN_VALUE : n;
    }
}
