package io.jingress.core.model;

/**
 * One path of an Ingress rule.
 *
 * @param path the path as written in the Ingress (may be invalid; validation says so)
 * @param pathType the path type, or {@code null} when missing or not one of {@link PathType} (invalid)
 * @param backend where matching requests go
 * @param unsupportedPathType the {@code pathType} as written when it is not one of {@link PathType}
 *     (e.g. {@code "Regex"}), for validation to name; {@code null} when {@code pathType} is set or missing
 */
public record HttpIngressPath(String path, PathType pathType, IngressBackend backend, String unsupportedPathType) {

    public HttpIngressPath {
        if (pathType != null && unsupportedPathType != null) {
            throw new IllegalArgumentException("a path has a pathType or an unsupported one, not both");
        }
    }

    /** A path of a known type, or of none ({@code pathType} {@code null}). */
    public HttpIngressPath(String path, PathType pathType, IngressBackend backend) {
        this(path, pathType, backend, null);
    }

    /**
     * A path whose type is spelt as in the Kubernetes API ({@code "Prefix"}); one Jingress does not
     * know is kept as {@link #unsupportedPathType()}, for validation to report.
     */
    public static HttpIngressPath of(String path, String pathType, IngressBackend backend) {
        PathType type = PathType.fromApiName(pathType);
        return new HttpIngressPath(path, type, backend, type == null ? pathType : null);
    }

    public static HttpIngressPath prefix(String path, IngressBackend backend) {
        return new HttpIngressPath(path, PathType.PREFIX, backend);
    }

    public static HttpIngressPath exact(String path, IngressBackend backend) {
        return new HttpIngressPath(path, PathType.EXACT, backend);
    }
}
