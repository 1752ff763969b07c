package io.jingress.k8s.internal.translate;

import io.jingress.core.model.Ingress;
import io.jingress.core.model.IngressClass;
import io.jingress.k8s.AdapterOptions;
import java.util.Collection;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which Ingresses are ours, decided from the IngressClasses of the cluster and the options, once
 * per snapshot of IngressClasses (immutable).
 *
 * <ul>
 *   <li>Our classes: every IngressClass whose {@code spec.controller} is the controller class, plus
 *       the {@code --ingress-class} name even when no IngressClass of that name exists; but not when
 *       an IngressClass of that name exists and names another controller (it belongs to someone else).
 *   <li>An Ingress's class is {@code spec.ingressClassName}, else the deprecated annotation
 *       {@value #LEGACY_CLASS_ANNOTATION}.
 *   <li>An Ingress with a class is ours when that class is one of ours. Any other class is ignored.
 *   <li>An Ingress without a class is ours when one of our IngressClasses is marked the default
 *       ({@value IngressClass#DEFAULT_CLASS_ANNOTATION}) or when watching Ingresses without class.
 * </ul>
 */
public final class ClassFilter {

    /** The deprecated annotation that named the class before {@code spec.ingressClassName}. */
    public static final String LEGACY_CLASS_ANNOTATION = "kubernetes.io/ingress.class";

    private final AdapterOptions options;
    private final Set<String> ourClasses;
    private final String defaultClass;
    /** The controller of the IngressClass named by {@code --ingress-class} when it is another's, else null. */
    private final String otherController;
    /** The Namespaces --watch-namespace-selector selects; null: no selector. */
    private final Set<String> selectedNamespaces;

    private ClassFilter(AdapterOptions options, Set<String> ourClasses, String defaultClass, String otherController,
            Set<String> selectedNamespaces) {
        this.options = options;
        this.ourClasses = ourClasses;
        this.defaultClass = defaultClass;
        this.otherController = otherController;
        this.selectedNamespaces = selectedNamespaces;
    }

    /** The filter for these options and the IngressClasses now in the cluster (or the files). */
    public static ClassFilter of(AdapterOptions options, Collection<IngressClass> classes) {
        return of(options, classes, null);
    }

    /**
     * As {@link #of(AdapterOptions, Collection)}, knowing the Namespaces that the options'
     * {@code watchNamespaceSelector} selects now ({@code null}: no selector).
     */
    public static ClassFilter of(AdapterOptions options, Collection<IngressClass> classes, Set<String> selectedNamespaces) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(classes, "classes");
        Set<String> ours = new TreeSet<>();
        String otherController = null;
        String defaultClass = null;
        for (IngressClass ingressClass : classes) {
            if (options.controllerClass().equals(ingressClass.controller())) {
                ours.add(ingressClass.name());
                if (ingressClass.isDefault() && (defaultClass == null || ingressClass.name().compareTo(defaultClass) < 0)) {
                    defaultClass = ingressClass.name();
                }
            } else if (ingressClass.name().equals(options.ingressClass())) {
                otherController = String.valueOf(ingressClass.controller());
            }
        }
        if (otherController == null) {
            ours.add(options.ingressClass());
        }
        return new ClassFilter(options, Set.copyOf(ours), defaultClass, otherController,
                selectedNamespaces == null ? null : Set.copyOf(selectedNamespaces));
    }

    /** The class an Ingress asks for: {@code spec.ingressClassName}, else the legacy annotation, else {@code null}. */
    public static String className(Ingress ingress) {
        if (ingress.ingressClassName() != null && !ingress.ingressClassName().isEmpty()) {
            return ingress.ingressClassName();
        }
        String legacy = ingress.annotations().get(LEGACY_CLASS_ANNOTATION);
        return legacy == null || legacy.isEmpty() ? null : legacy;
    }

    /** Whether we serve this Ingress. */
    public boolean isOurs(Ingress ingress) {
        String className = className(ingress);
        return className == null ? servesClassless() : ourClasses.contains(className);
    }

    /** Whether Ingresses without a class are ours. */
    public boolean servesClassless() {
        return options.watchIngressWithoutClass() || defaultClass != null;
    }

    /** The names of our classes. */
    public Set<String> ourClasses() {
        return ourClasses;
    }

    /** In words, why we serve an Ingress or not (for explanations and debug logs). */
    public String reason(Ingress ingress) {
        if (!options.watchesNamespace(ingress.namespace())) {
            return "its namespace " + ingress.namespace() + " is not watched (watched: "
                    + String.join(", ", new TreeSet<>(options.watchNamespaces())) + ")";
        }
        if (selectedNamespaces != null && !selectedNamespaces.contains(ingress.namespace())) {
            return "its namespace " + ingress.namespace() + " does not match --watch-namespace-selector "
                    + options.watchNamespaceSelector() + " (or is not known)";
        }
        String className = className(ingress);
        if (className == null) {
            if (defaultClass != null) {
                return "it names no class and our IngressClass " + defaultClass + " is the default";
            }
            return options.watchIngressWithoutClass()
                    ? "it names no class and Ingresses without class are watched"
                    : "it names no class, none of our IngressClasses is the default and Ingresses without class are not watched";
        }
        if (ourClasses.contains(className)) {
            return "its class " + className + " is ours";
        }
        if (otherController != null && className.equals(options.ingressClass())) {
            // --ingress-class names it, but its IngressClass is another controller's
            return "its class " + className + " is not ours: IngressClass " + className + " names the controller "
                    + otherController + ", not " + options.controllerClass()
                    + " (--controller-class); ours: " + String.join(", ", ourClasses);
        }
        return "its class " + className + " is not ours (ours: " + String.join(", ", ourClasses) + ")";
    }
}
