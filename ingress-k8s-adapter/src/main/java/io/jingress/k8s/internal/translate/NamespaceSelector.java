package io.jingress.k8s.internal.translate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A Kubernetes label selector as {@code kubectl -l} and ingress-nginx's {@code --watch-namespace-selector}
 * write it, matched against a Namespace's labels: requirements separated by commas, each {@code key},
 * {@code !key}, {@code key=value} ({@code ==}), {@code key!=value}, {@code key in (a,b)} or
 * {@code key notin (a,b)}; all must hold. As in Kubernetes, {@code !=} and {@code notin} hold for an
 * object without the key. Immutable.
 */
public final class NamespaceSelector {
    private static final Pattern KEY = Pattern.compile("([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");
    private static final Pattern VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?");
    private static final Pattern SET = Pattern.compile("(\\S+)\\s+(in|notin)\\s*\\((.*)\\)");
    private static final Pattern OPEN_SET = Pattern.compile("\\S+\\s+(in|notin)\\s*\\(.*");

    private enum Operator { EXISTS, NOT_EXISTS, IN, NOT_IN }

    private record Requirement(String key, Operator operator, Set<String> values) {
        boolean matches(Map<String, String> labels) {
            String value = labels.get(key);
            return switch (operator) {
                case EXISTS -> value != null;
                case NOT_EXISTS -> value == null;
                case IN -> value != null && values.contains(value);
                case NOT_IN -> value == null || !values.contains(value);
            };
        }
    }

    private final String text;
    private final List<Requirement> requirements;

    private NamespaceSelector(String text, List<Requirement> requirements) {
        this.text = text;
        this.requirements = List.copyOf(requirements);
    }

    /**
     * The selector {@code text} reads.
     *
     * @throws IllegalArgumentException saying what is wrong, e.g. {@code "team in (a" has no closing parenthesis}
     */
    public static NamespaceSelector parse(String text) {
        List<Requirement> requirements = new ArrayList<>();
        for (String part : split(text)) {
            requirements.add(requirement(part.trim(), text));
        }
        return new NamespaceSelector(text.trim(), requirements);
    }

    // the requirements: commas outside parentheses
    private static List<String> split(String text) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                parts.add(text.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(text.substring(start));
        if (parts.size() == 1 && parts.get(0).isBlank()) {
            throw new IllegalArgumentException("\"" + text + "\" selects nothing: give at least one requirement, such as team=shop");
        }
        return parts;
    }

    private static Requirement requirement(String part, String text) {
        if (part.isEmpty()) {
            throw new IllegalArgumentException("\"" + text + "\" has an empty requirement between commas");
        }
        java.util.regex.Matcher set = SET.matcher(part);
        if (set.matches()) {
            Set<String> values = new java.util.LinkedHashSet<>();
            for (String value : set.group(3).split(",", -1)) {
                values.add(value(value.trim(), part));
            }
            return new Requirement(key(set.group(1), part), set.group(2).equals("in") ? Operator.IN : Operator.NOT_IN,
                    Set.copyOf(values));
        }
        if (OPEN_SET.matcher(part).matches()) {
            throw new IllegalArgumentException("\"" + part + "\" has no closing parenthesis");
        }
        int notEquals = part.indexOf("!=");
        if (notEquals > 0) {
            return new Requirement(key(part.substring(0, notEquals).trim(), part), Operator.NOT_IN,
                    Set.of(value(part.substring(notEquals + 2).trim(), part)));
        }
        int equals = part.indexOf('=');
        if (equals > 0) {
            int valueStart = part.startsWith("==", equals) ? equals + 2 : equals + 1;
            return new Requirement(key(part.substring(0, equals).trim(), part), Operator.IN,
                    Set.of(value(part.substring(valueStart).trim(), part)));
        }
        if (part.startsWith("!")) {
            return new Requirement(key(part.substring(1).trim(), part), Operator.NOT_EXISTS, Set.of());
        }
        return new Requirement(key(part, part), Operator.EXISTS, Set.of());
    }

    private static String key(String key, String part) {
        if (!KEY.matcher(key).matches() || key.length() > 316) {
            throw new IllegalArgumentException("\"" + part + "\": \"" + key + "\" is no label key");
        }
        return key;
    }

    private static String value(String value, String part) {
        if (!VALUE.matcher(value).matches() || value.length() > 63) {
            throw new IllegalArgumentException("\"" + part + "\": \"" + value + "\" is no label value");
        }
        return value;
    }

    /** Whether a Namespace with these labels (null: none) is selected. */
    public boolean matches(Map<String, String> labels) {
        Map<String, String> present = labels == null ? Map.of() : labels;
        for (Requirement requirement : requirements) {
            if (!requirement.matches(present)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return text;
    }
}
