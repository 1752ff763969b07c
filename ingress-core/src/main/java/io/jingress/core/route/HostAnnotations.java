package io.jingress.core.route;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code server-alias} and {@code from-to-www-redirect}, the two annotations that give an
 * Ingress's hosts more names, as ingress-nginx reads them. Both act when the table is compiled
 * ({@link HostAliases}), not per request. A value that is not understood is a problem sentence
 * naming the annotation and its value, and costs only itself: a {@code from-to-www-redirect} that is
 * neither true nor false makes no redirect; an alias that is empty or not a host name Jingress can
 * match is left out, and the other aliases are served.
 */
final class HostAnnotations {
    static final String SERVER_ALIAS = "server-alias";
    static final String FROM_TO_WWW = "from-to-www-redirect";
    /** The names read here, without prefix. */
    static final List<String> NAMES = List.of(SERVER_ALIAS, FROM_TO_WWW);

    private HostAnnotations() {
    }

    /** Sets the policy's aliases and www redirect from {@code annotations}, adding a sentence a problem. */
    static void read(Map<String, String> annotations, RoutePolicy.Builder builder, List<String> problems) {
        RouteAnnotations.Named www = RouteAnnotations.value(annotations, FROM_TO_WWW);
        if (www != null) {
            Boolean on = RouteAnnotations.parseBool(www.value());
            if (on == null) {
                problems.add(www.quoted() + " is neither true nor false: no www redirect is made");
            } else if (on) {
                builder.fromToWwwRedirect();
            }
        }
        RouteAnnotations.Named alias = RouteAnnotations.value(annotations, SERVER_ALIAS);
        if (alias == null) {
            return;
        }
        if (alias.value().isEmpty()) {
            problems.add(alias.quoted() + " is empty: no alias is served");
            return;
        }
        Set<String> names = new LinkedHashSet<>();
        boolean empty = false;
        for (String written : alias.value().split(",", -1)) {
            String name = written.trim();
            if (name.isEmpty()) {
                empty = true;
                continue;
            }
            String bad = nameProblem(name.toLowerCase(Locale.ROOT));
            if (bad != null) {
                problems.add(alias.quoted() + ": the alias \"" + name + "\" is not served: " + bad);
            } else {
                names.add(name.toLowerCase(Locale.ROOT));
            }
        }
        if (empty) {
            problems.add(alias.quoted() + " has an empty name (two commas in a row, or one at an end): it is skipped");
        }
        if (!names.isEmpty()) {
            builder.serverAliases(new ArrayList<>(names));
        }
    }

    /**
     * Why {@code name} (lower case) cannot be an alias, or null: it must be a DNS name, or {@code *.}
     * and one (matching exactly one label, as an Ingress's wildcard hosts do). nginx's other forms
     * of {@code server_name}, which ingress-nginx passes on, are refused by name.
     */
    static String nameProblem(String name) {
        if (name.startsWith("~")) {
            return "a regular expression (nginx's ~ form) is not a host name Jingress matches";
        }
        if (name.startsWith(".")) {
            return "nginx's .example.com form (the name and all its subdomains) is not implemented: list example.com"
                    + " and *.example.com";
        }
        if (name.endsWith(".*")) {
            return "nginx's trailing wildcard (www.example.*) is not implemented";
        }
        if (name.startsWith("*.")) {
            return isDnsName(name.substring(2)) ? null
                    : "a wildcard must be *. followed by a DNS name (e.g. *.example.com)";
        }
        if (name.indexOf('*') >= 0) {
            return "a wildcard must be the whole first label, as in *.example.com";
        }
        return isDnsName(name) ? null
                : "it is not a DNS name (letters, digits, '-' and '.', each label starting and ending with a letter"
                        + " or digit, at most 253 characters; no port)";
    }

    /** A DNS-1123 subdomain, as an Ingress's hosts must be (lower case). */
    static boolean isDnsName(String name) {
        if (name.isEmpty() || name.length() > 253) {
            return false;
        }
        int labelStart = 0;
        for (int i = 0; i <= name.length(); i++) {
            if (i == name.length() || name.charAt(i) == '.') {
                int length = i - labelStart;
                if (length == 0 || length > 63 || name.charAt(labelStart) == '-' || name.charAt(i - 1) == '-') {
                    return false;
                }
                labelStart = i + 1;
            } else {
                char c = name.charAt(i);
                if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') && c != '-') {
                    return false;
                }
            }
        }
        return true;
    }

    /** The phrases of {@link RoutePolicy#describe()}. */
    static void describe(List<String> serverAliases, boolean fromToWww, List<String> phrases) {
        if (!serverAliases.isEmpty()) {
            phrases.add("also served as " + String.join(", ", serverAliases) + " (server-alias)");
        }
        if (fromToWww) {
            phrases.add("the www. name of each host (or the name without www.) redirects to it (from-to-www-redirect)");
        }
    }
}
