package io.jingress.core.route;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads {@code proxy-cookie-domain} and {@code proxy-cookie-path}: each {@code "FROM TO"} (two
 * words split on whitespace, as ingress-nginx passes the value to nginx's
 * {@code proxy_cookie_domain} and {@code proxy_cookie_path}) or {@code off} (ingress-nginx's
 * default: nothing rewritten). A value not taken (one word, more than two, a regular expression
 * starting with {@code ~}, an nginx variable or any other character not in a domain or path) is a
 * problem, and only that attribute is left unchanged.
 */
final class CookieRewriteAnnotations {
    static final String DOMAIN = "proxy-cookie-domain";
    static final String PATH = "proxy-cookie-path";
    static final List<String> NAMES = List.of(DOMAIN, PATH);

    // a domain as a Domain attribute carries it: letters, digits, '-', '_', dots (a leading one ignored)
    private static final Pattern DOMAIN_WORD = Pattern.compile("[A-Za-z0-9._-]+");
    // a path: letters, digits and - . _ ~ / : % @ + ! , = (no nginx variable, no quote, no ';')
    private static final Pattern PATH_WORD = Pattern.compile("[-._~A-Za-z0-9/:%@+!,=]+");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private CookieRewriteAnnotations() {
    }

    static void read(Map<String, String> annotations, RoutePolicy.Builder builder, List<String> problems) {
        String[] domain = pair(RouteAnnotations.value(annotations, DOMAIN), DOMAIN_WORD, "domain", problems);
        String[] path = pair(RouteAnnotations.value(annotations, PATH), PATH_WORD, "path", problems);
        if (domain == null && path == null) {
            return;
        }
        builder.cookieRewrite(new CookieRewrite(domain == null ? null : domain[0], domain == null ? null : domain[1],
                path == null ? null : path[0], path == null ? null : path[1]));
    }

    /** {FROM, TO} of the annotation, or null when it is absent, {@code off} or not taken (a problem). */
    private static String[] pair(RouteAnnotations.Named named, Pattern word, String what, List<String> problems) {
        if (named == null || named.value().isEmpty() || named.value().equals("off")) {
            return null;
        }
        String unchanged = ": the " + what + " of Set-Cookie headers is passed on unchanged";
        String[] words = WHITESPACE.split(named.value());
        if (words[0].startsWith("~")) {
            problems.add(named.quoted() + " is a regular expression, which is not supported (only FROM TO, compared as nginx"
                    + " compares them)" + unchanged);
            return null;
        }
        if (words.length != 2) {
            problems.add(named.quoted() + " is not FROM TO (two words separated by a space), nor off" + unchanged);
            return null;
        }
        for (String w : words) {
            if (!word.matcher(w).matches()) {
                problems.add(named.quoted() + " has \"" + w + "\", which is not a " + what
                        + " (nginx variables are not filled in)" + unchanged);
                return null;
            }
        }
        return words;
    }
}
