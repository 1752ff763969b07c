package io.jingress.core.model;

/** The {@code pathType} of an Ingress path (networking.k8s.io/v1). */
public enum PathType {
    /** Matches the whole path, case-sensitively. */
    EXACT("Exact"),
    /** Matches element by element, split on {@code /}. */
    PREFIX("Prefix"),
    /** Left to the controller: Jingress treats it as {@link #PREFIX}. */
    IMPLEMENTATION_SPECIFIC("ImplementationSpecific");

    private final String apiName;

    PathType(String apiName) {
        this.apiName = apiName;
    }

    /** The spelling used by the Kubernetes API, e.g. {@code "Prefix"}. */
    public String apiName() {
        return apiName;
    }

    /** Parses the API spelling; returns {@code null} for an unknown or missing value. */
    public static PathType fromApiName(String value) {
        if (value == null) {
            return null;
        }
        for (PathType type : values()) {
            if (type.apiName.equals(value)) {
                return type;
            }
        }
        return null;
    }
}
