package io.jingress.k8s.internal.translate;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.jingress.core.model.Ingress;
import io.jingress.core.model.IngressClass;
import io.jingress.core.model.IngressValidator;
import io.jingress.core.model.Problem;
import io.jingress.k8s.AdapterOptions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Keeps serving the last good version of an Ingress of ours that was changed into an invalid one
 * (one the translator cannot carry or the validator rejects), so a typo in an edit does not take
 * working routes down. An Ingress that was never valid is rejected alone, as the compiler does;
 * an Ingress that is gone is forgotten. Not thread-safe: one thread applies.
 */
public final class LastGoodIngresses {

    private final Map<String, io.fabric8.kubernetes.api.model.networking.v1.Ingress> lastGood = new HashMap<>();

    /**
     * The outcome of one application.
     *
     * @param objects the objects with each invalid Ingress replaced by its last good version
     * @param problems the replaced Ingresses' problems, each followed by a note that the last good version serves
     */
    public record Result(List<HasMetadata> objects, List<Problem> problems) {

        public Result {
            objects = List.copyOf(objects);
            problems = List.copyOf(problems);
        }
    }

    /** Replaces our invalid Ingresses in {@code objects} by their last good versions, and remembers the good ones. */
    public Result apply(AdapterOptions options, Collection<? extends HasMetadata> objects) {
        Objects.requireNonNull(options, "options");
        List<IngressClass> classes = new ArrayList<>();
        for (HasMetadata object : objects) {
            if (object instanceof io.fabric8.kubernetes.api.model.networking.v1.IngressClass ic) {
                try {
                    classes.add(KubeTranslator.toIngressClass(ic));
                } catch (TranslationException e) {
                    // reported by the assembler
                }
            }
        }
        ClassFilter filter = ClassFilter.of(options, classes);
        List<HasMetadata> result = new ArrayList<>(objects.size());
        List<Problem> problems = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (HasMetadata object : objects) {
            if (!(object instanceof io.fabric8.kubernetes.api.model.networking.v1.Ingress ingress)
                    || object.getMetadata() == null || object.getMetadata().getName() == null) {
                result.add(object);
                continue;
            }
            String key = KubeTranslator.namespace(ingress) + "/" + ingress.getMetadata().getName();
            seen.add(key);
            List<Problem> rejection = rejection(ingress, filter);
            if (rejection == null) {
                result.add(object);
                continue;
            }
            if (rejection.isEmpty()) {
                lastGood.put(key, ingress);
                result.add(object);
                continue;
            }
            io.fabric8.kubernetes.api.model.networking.v1.Ingress previous = lastGood.get(key);
            if (previous == null) {
                result.add(object);
                continue;
            }
            problems.addAll(rejection);
            problems.add(Problem.warning("Ingress", key, "", "this version is rejected; still serving its last good version"));
            result.add(previous);
        }
        lastGood.keySet().retainAll(seen);
        return new Result(result, problems);
    }

    /** {@code null} when not ours, empty when valid, else why it is rejected. */
    private static List<Problem> rejection(io.fabric8.kubernetes.api.model.networking.v1.Ingress source, ClassFilter filter) {
        Ingress ingress;
        try {
            ingress = KubeTranslator.toIngress(source);
        } catch (TranslationException e) {
            String className = source.getSpec() == null ? null : source.getSpec().getIngressClassName();
            Map<String, String> annotations = source.getMetadata().getAnnotations();
            Ingress.Builder probe = Ingress.builder("-", "-").ingressClassName(className);
            if (annotations != null && annotations.get(ClassFilter.LEGACY_CLASS_ANNOTATION) != null) {
                probe.annotation(ClassFilter.LEGACY_CLASS_ANNOTATION, annotations.get(ClassFilter.LEGACY_CLASS_ANNOTATION));
            }
            return filter.isOurs(probe.build()) ? List.of(e.problem()) : null;
        }
        if (!filter.isOurs(ingress)) {
            return null;
        }
        List<Problem> problems = IngressValidator.validate(ingress);
        return IngressValidator.isRejected(problems) ? problems : List.of();
    }
}
