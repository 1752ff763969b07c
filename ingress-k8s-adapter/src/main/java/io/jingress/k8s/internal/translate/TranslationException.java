package io.jingress.k8s.internal.translate;

import io.jingress.core.model.Problem;
import java.util.Objects;

/**
 * A Kubernetes object that the core model cannot carry (no name, an Ingress backend port below 1, bad base64):
 * the object is left out as a whole and {@link #problem()} says which field and why.
 */
public final class TranslationException extends Exception {

    private final transient Problem problem;

    public TranslationException(Problem problem) {
        super(Objects.requireNonNull(problem, "problem").toString(), null, false, false);
        this.problem = problem;
    }

    static TranslationException of(String kind, String object, String field, String message) {
        return new TranslationException(Problem.error(kind, object, field, message));
    }

    public Problem problem() {
        return problem;
    }
}
