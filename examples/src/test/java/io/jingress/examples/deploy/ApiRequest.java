package io.jingress.examples.deploy;

import java.net.URI;

/**
 * A request to the API server as RBAC sees it: verb, API group, resource (with subresource) and
 * namespace ({@code null} for cluster-scoped or all-namespaces requests).
 */
record ApiRequest(String verb, String group, String resource, String namespace) {

    /**
     * Reads an HTTP request line's method and path the way the API server's authorizer does, or
     * {@code null} for discovery paths ({@code /api}, {@code /apis}, {@code /version}), which
     * every authenticated user may read.
     */
    static ApiRequest of(String method, String pathAndQuery) {
        URI uri = URI.create(pathAndQuery);
        String[] parts = uri.getPath().substring(1).split("/");
        int i;
        String group;
        if (parts[0].equals("api") && parts.length > 2) {
            group = "";
            i = 2;
        } else if (parts[0].equals("apis") && parts.length > 3) {
            group = parts[1];
            i = 3;
        } else {
            return null;
        }
        String namespace = null;
        if (parts[i].equals("namespaces") && parts.length > i + 2) {
            namespace = parts[i + 1];
            i += 2;
        }
        String resource = parts[i];
        boolean named = parts.length > i + 1;
        if (parts.length > i + 2) {
            resource += "/" + parts[i + 2];
        }
        String query = uri.getQuery() == null ? "" : uri.getQuery();
        String verb = switch (method) {
            case "GET" -> query.contains("watch=true") ? "watch" : named ? "get" : "list";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> named ? "delete" : "deletecollection";
            default -> throw new IllegalArgumentException("unexpected method " + method + " " + pathAndQuery);
        };
        return new ApiRequest(verb, group, resource, namespace);
    }

    @Override
    public String toString() {
        return verb + " " + (group.isEmpty() ? "" : group + "/") + resource
                + (namespace == null ? "" : " in " + namespace);
    }
}
