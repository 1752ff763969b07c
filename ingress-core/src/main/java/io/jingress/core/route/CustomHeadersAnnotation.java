package io.jingress.core.route;

import io.jingress.core.model.ConfigMap;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads {@code custom-headers: [namespace/]name}, the ConfigMap whose entries (header name to
 * value) are set on every answer of the Ingress's routes ({@link ResponseHeaders}), as
 * ingress-nginx does. Only a ConfigMap of the Ingress's own namespace is read (ingress-nginx
 * documents the same), and only names the controller allows ({@code --allowed-response-headers},
 * ingress-nginx's {@code global-allowed-response-headers}; none by default). A missing ConfigMap
 * costs every header; an entry whose name is no token, refused or not allowed, or whose value is
 * empty or holds a control or non-ASCII character, costs that header only: each is a problem
 * sentence, and the routes are served (ingress-nginx denies the whole location instead).
 */
final class CustomHeadersAnnotation {
    static final String NAME = "custom-headers";
    /** The names read, without prefix. */
    static final List<String> NAMES = List.of(NAME);

    // a ConfigMap's name is a DNS subdomain, a namespace a DNS label (Kubernetes' validation)
    // RFC 9110 section 5.6.2
    static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    /**
     * Never set, allowed or not: the framing and hop-by-hop fields the proxy writes itself for each
     * connection (a wrong one would corrupt the connection, and HTTP/2 forbids them), and
     * {@code Set-Cookie}, which a replacement would take from the endpoint (its session cookies) and
     * from {@code affinity: cookie}.
     */
    static final Set<String> REFUSED = Set.of("connection", "keep-alive", "proxy-connection", "transfer-encoding", "te",
            "trailer", "upgrade", "content-length", "proxy-authenticate", "set-cookie");

    private CustomHeadersAnnotation() {
    }

    static void read(Map<String, String> annotations, BasicAuthAnnotations.Context context, RoutePolicy.Builder builder,
            List<String> problems) {
        ResponseHeaders own = own(annotations, context, problems);
        ResponseHeaders all = context.addHeaders() == null ? own : context.addHeaders().under(own);
        if (all != null) {
            builder.responseHeaders(all);
        }
        if (context.proxySetHeaders() != null) {
            builder.requestHeaders(context.proxySetHeaders());
        }
    }

    // the headers of the ConfigMap the Ingress's custom-headers names; null when none
    private static ResponseHeaders own(Map<String, String> annotations, BasicAuthAnnotations.Context context,
            List<String> problems) {
        RouteAnnotations.Named named = RouteAnnotations.value(annotations, NAME);
        if (named == null) {
            return null;
        }
        String key = key(named, context.namespace(), problems);
        if (key == null) {
            return null;
        }
        ConfigMap configMap = context.configMaps().apply(key);
        if (configMap == null) {
            problems.add(named.quoted() + " names the ConfigMap " + key + ", which does not exist; no header is set until it does");
            return null;
        }
        Set<String> allowed = context.allowedResponseHeaders();
        Map<String, String> headers = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        for (Map.Entry<String, String> entry : new TreeMap<>(configMap.data()).entrySet()) {
            String name = entry.getKey();
            String value = entry.getValue() == null ? "" : entry.getValue().strip();
            String refusal = refusal(name, value, allowed);
            if (refusal == null && !seen.add(ResponseHeaders.lower(name))) {
                refusal = "another key of the ConfigMap sets the same header (names are not case-sensitive)";
            }
            if (refusal != null) {
                problems.add(named.quoted() + ": ConfigMap " + key + " key \"" + printable(name) + "\" " + refusal
                        + "; that header is not set");
                continue;
            }
            headers.put(name, value);
        }
        return headers.isEmpty() ? null : new ResponseHeaders(key, headers);
    }

    private static String refusal(String name, String value, Set<String> allowed) {
        if (!TOKEN.matcher(name).matches()) {
            return "is no header name (letters, digits and !#$%&'*+-.^_`|~ only)";
        }
        String lower = ResponseHeaders.lower(name);
        if (REFUSED.contains(lower)) {
            return "is a header the proxy writes itself, never set from a ConfigMap";
        }
        if (!allowed.contains(lower)) {
            return "is not among the response headers the controller allows (--allowed-response-headers: "
                    + (allowed.isEmpty() ? "none" : String.join(",", new TreeSet<>(allowed))) + ")";
        }
        if (value.isEmpty()) {
            return "has an empty value";
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c > 0x7e) {
                return "has a value with a control or non-ASCII character (" + String.format("U+%04X", (int) c)
                        + ") at " + i;
            }
        }
        return null;
    }

    // a key that is no token may hold line breaks: a problem sentence stays one line
    private static String printable(String name) {
        StringBuilder out = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** The ConfigMap {@code custom-headers} names, {@code namespace/name}, or null when it names none that may be read. */
    static String configMapKey(Map<String, String> annotations, String namespace) {
        RouteAnnotations.Named named = RouteAnnotations.value(annotations, NAME);
        return named == null ? null : key(named, namespace, new ArrayList<>());
    }

    /** {@code namespace/name} of the ConfigMap (see {@link SecretReference}); null, with a problem, when it may not be used. */
    private static String key(RouteAnnotations.Named named, String namespace, List<String> problems) {
        return SecretReference.key("ConfigMap", "which ingress-nginx does not allow either", named, namespace, problems,
                "no header is set");
    }
}
