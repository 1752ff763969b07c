package io.jingress.core.route;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads {@code use-regex} and {@code rewrite-target} as ingress-nginx reads them. Either one set
 * makes the Ingress's paths regular expressions ({@link RoutePolicy#regexPaths()}), and with them
 * every path of its hosts (see {@link RouteCompiler}); {@code rewrite-target} is parsed into a
 * {@link PathRewrite}. A value that is not understood is a problem sentence: a {@code use-regex}
 * that is neither true nor false counts as false; a refused {@code rewrite-target} still makes the
 * paths regexes (they were written as such), and the requests are forwarded with their path unchanged.
 */
final class RegexAnnotations {
    static final String USE_REGEX = "use-regex";
    static final String REWRITE_TARGET = "rewrite-target";
    /** The names read here, without prefix. */
    static final List<String> NAMES = List.of(USE_REGEX, REWRITE_TARGET);

    private RegexAnnotations() {
    }

    /** Sets the policy's regex paths and rewrite from {@code annotations}, adding a sentence a problem. */
    static void read(Map<String, String> annotations, RoutePolicy.Builder builder, List<String> problems) {
        RouteAnnotations.Named useRegex = RouteAnnotations.value(annotations, USE_REGEX);
        if (useRegex != null) {
            // Go's strconv.ParseBool, which ingress-nginx reads it with, ignoring case
            switch (useRegex.value().toLowerCase(Locale.ROOT)) {
                case "true", "t", "1" -> builder.useRegex();
                case "false", "f", "0" -> { }
                default -> problems.add(useRegex.quoted() + " is neither true nor false: the paths are matched as if"
                        + " it were false");
            }
        }
        RouteAnnotations.Named target = RouteAnnotations.value(annotations, REWRITE_TARGET);
        if (target == null) {
            return;
        }
        if (target.value().isEmpty()) {
            // no rewrite in ingress-nginx either
            problems.add(target.quoted() + " is empty: the paths are forwarded unchanged");
            return;
        }
        builder.regexPaths(true);
        StringBuilder problem = new StringBuilder();
        PathRewrite rewrite = PathRewrite.parse(target.value(), target.name(), problem);
        if (rewrite == null) {
            problems.add(target.quoted() + " is not used: " + problem + "; the paths are still regular expressions,"
                    + " and the requests are forwarded with their path unchanged");
        } else {
            builder.rewrite(rewrite);
        }
    }
}
