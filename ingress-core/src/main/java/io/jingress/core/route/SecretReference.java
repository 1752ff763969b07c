package io.jingress.core.route;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The Secret an annotation names ({@code auth-secret}, {@code proxy-ssl-secret}, {@code auth-tls-secret}),
 * or the ConfigMap ({@code custom-headers}): {@code name}, or
 * {@code namespace/name} (an empty namespace is the Ingress's, as ingress-nginx's
 * {@code SplitMetaNamespaceKey} reads it). Only an object of the Ingress's own namespace may be used,
 * as ingress-nginx allows by default.
 */
final class SecretReference {
    // a Secret's name is a DNS subdomain, a namespace a DNS label (Kubernetes' validation)
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
    private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    private SecretReference() {
    }

    /**
     * The Secret's key, {@code namespace/name}, or null when it may not be used: then a problem
     * sentence naming the annotation and its value is added, ending with {@code consequence} (what
     * is done instead, such as "every request is refused (503)").
     */
    static String key(RouteAnnotations.Named secret, String namespace, List<String> problems, String consequence) {
        return key("Secret", "which ingress-nginx refuses too unless configured to allow it", secret, namespace, problems,
                consequence);
    }

    /**
     * The key, {@code namespace/name}, of the object of {@code kind} ({@code Secret}, {@code ConfigMap})
     * that an annotation names; null, with a problem sentence ending with {@code consequence}, when it
     * is no name or names another namespace than {@code namespace} (which ingress-nginx, says
     * {@code nginxRule}, does not allow).
     */
    static String key(String kind, String nginxRule, RouteAnnotations.Named named, String namespace, List<String> problems,
            String consequence) {
        String value = named.value();
        String ns = namespace;
        String name = value;
        int slash = value.indexOf('/');
        if (slash >= 0) {
            ns = value.substring(0, slash);
            name = value.substring(slash + 1);
            if (ns.isEmpty()) {
                ns = namespace;
            }
        }
        if (!NAME.matcher(name).matches() || !NAMESPACE.matcher(ns).matches()) {
            problems.add(named.quoted() + " is no " + kind + " name (\"name\" or \"namespace/name\"); " + consequence);
            return null;
        }
        if (!ns.equals(namespace)) {
            problems.add(named.quoted() + " names a " + kind + " of another namespace, " + nginxRule + "; " + consequence
                    + " until the " + kind + " is in " + namespace);
            return null;
        }
        return ns + "/" + name;
    }
}
