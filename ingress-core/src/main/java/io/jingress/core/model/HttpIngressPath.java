package io.jingress.core.model;

/**
 * One path of an Ingress rule.
 *
 * @param path the path as written in the Ingress (may be invalid; validation says so)
 * @param pathType the path type, or {@code null} when missing (invalid)
 * @param backend where matching requests go
 */
public record HttpIngressPath(String path, PathType pathType, IngressBackend backend) {

    public static HttpIngressPath prefix(String path, IngressBackend backend) {
        return new HttpIngressPath(path, PathType.PREFIX, backend);
    }

    public static HttpIngressPath exact(String path, IngressBackend backend) {
        return new HttpIngressPath(path, PathType.EXACT, backend);
    }
}
