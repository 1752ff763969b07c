package io.jingress.core.model;

import java.util.Objects;

/**
 * Something wrong with one object, reported to a person: which object, which field, and why.
 * {@code toString()} reads {@code Ingress default/web: spec.rules[1].http.paths[0].path: "foo" must start with "/"}.
 *
 * @param kind the object's kind, e.g. {@code Ingress}
 * @param object the object's {@code namespace/name}
 * @param field the field path, e.g. {@code spec.rules[1].http.paths[0].path}; empty for the whole object
 * @param message what is wrong, in words
 * @param severity whether the object was rejected ({@link Severity#ERROR}) or served with a caveat
 */
public record Problem(String kind, String object, String field, String message, Severity severity) {

    /** How bad a problem is. */
    public enum Severity {
        /** The object was rejected as a whole. */
        ERROR,
        /** The object is served, but something in it is not (a conflict lost, a backend without endpoints). */
        WARNING
    }

    public Problem {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(object, "object");
        field = field == null ? "" : field;
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(severity, "severity");
    }

    public static Problem error(String kind, String object, String field, String message) {
        return new Problem(kind, object, field, message, Severity.ERROR);
    }

    public static Problem warning(String kind, String object, String field, String message) {
        return new Problem(kind, object, field, message, Severity.WARNING);
    }

    @Override
    public String toString() {
        return kind + " " + object + ": " + (field.isEmpty() ? "" : field + ": ") + message;
    }
}
