package io.jingress.core.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Validates an {@link Ingress} as strictly as the Kubernetes API server does, naming every problem
 * with its field. An Ingress with any {@link Problem.Severity#ERROR} is rejected as a whole.
 *
 * <pre>{@code
 * List<Problem> problems = IngressValidator.validate(ingress);
 * problems.forEach(p -> log.warn("{}", p));
 * // Ingress default/web: spec.rules[1].http.paths[0].path: "foo" must start with "/"
 * }</pre>
 *
 * <p>Rules (those of {@code networking.k8s.io/v1} validation, worded for people):
 * <ul>
 *   <li>the Ingress has a {@code defaultBackend} or at least one rule;</li>
 *   <li>a host is a lower-case DNS-1123 subdomain, or {@code *.} followed by one; never an IP
 *       address, never with a {@code :port}; a rule without host matches any host;</li>
 *   <li>every path has a {@code pathType}, one of {@code Exact}, {@code Prefix} and
 *       {@code ImplementationSpecific}; a path starts with {@code /} (an
 *       {@code ImplementationSpecific} path may be empty, meaning {@code /});</li>
 *   <li>an {@code Exact} or {@code Prefix} path is literal: like the API server, it must not
 *       contain {@code //}, {@code /./}, {@code /../}, {@code %2f} or {@code %2F}, nor end with
 *       {@code /.} or {@code /..}. Jingress also rejects what the API server lets through but no
 *       request could ever match: characters outside RFC 3986's path characters (unreserved,
 *       sub-delims, {@code :}, {@code @}, {@code /}, and {@code %} with two hex digits), and the
 *       escapes {@code %5C} and {@code %00};</li>
 *   <li>a backend has exactly one of {@code service} and {@code resource}; a service has a name
 *       (a DNS-1035 label) and a port, by number (1 to 65535) or by name (an IANA service name);</li>
 *   <li>every {@code spec.tls} host is a DNS-1123 subdomain or a wildcard one.</li>
 * </ul>
 * A {@code resource} backend is valid; the router reports it as unsupported.
 */
public final class IngressValidator {
    private static final String KIND = "Ingress";

    private IngressValidator() {
    }

    /** Every problem of {@code ingress}; empty when it is valid. */
    public static List<Problem> validate(Ingress ingress) {
        Objects.requireNonNull(ingress, "ingress");
        List<Problem> problems = new ArrayList<>();
        String object = ingress.key();
        if (ingress.defaultBackend() == null && ingress.rules().isEmpty()) {
            problems.add(Problem.error(KIND, object, "spec", "either defaultBackend or rules must be specified"));
        }
        if (ingress.defaultBackend() != null) {
            validateBackend(ingress.defaultBackend(), object, "spec.defaultBackend", problems);
        }
        for (int r = 0; r < ingress.rules().size(); r++) {
            IngressRule rule = ingress.rules().get(r);
            String ruleField = "spec.rules[" + r + "]";
            if (rule.host() != null && !rule.host().isEmpty()) {
                String error = hostError(rule.host(), true);
                if (error != null) {
                    problems.add(Problem.error(KIND, object, ruleField + ".host", error));
                }
            }
            for (int p = 0; p < rule.paths().size(); p++) {
                validatePath(rule.paths().get(p), object, ruleField + ".http.paths[" + p + "]", problems);
            }
        }
        for (int t = 0; t < ingress.tls().size(); t++) {
            IngressTls tls = ingress.tls().get(t);
            for (int h = 0; h < tls.hosts().size(); h++) {
                String error = hostError(tls.hosts().get(h), false);
                if (error != null) {
                    problems.add(Problem.error(KIND, object, "spec.tls[" + t + "].hosts[" + h + "]", error));
                }
            }
        }
        return List.copyOf(problems);
    }

    /** Whether {@code problems} contains an ERROR, i.e. the object is rejected. */
    public static boolean isRejected(List<Problem> problems) {
        Objects.requireNonNull(problems, "problems");
        for (Problem problem : problems) {
            if (problem.severity() == Problem.Severity.ERROR) {
                return true;
            }
        }
        return false;
    }

    private static void validatePath(HttpIngressPath path, String object, String field, List<Problem> problems) {
        String value = path.path();
        if (path.unsupportedPathType() != null) {
            problems.add(Problem.error(KIND, object, field + ".pathType", quote(path.unsupportedPathType())
                    + " is not supported: pathType must be Exact, Prefix or ImplementationSpecific"));
        } else if (path.pathType() == null) {
            problems.add(Problem.error(KIND, object, field + ".pathType",
                    "pathType must be specified (Exact, Prefix or ImplementationSpecific)"));
        }
        if (value == null || value.isEmpty()) {
            if (path.pathType() != PathType.IMPLEMENTATION_SPECIFIC) {
                problems.add(Problem.error(KIND, object, field + ".path", "path must be specified and start with \"/\""));
            }
        } else if (value.charAt(0) != '/') {
            problems.add(Problem.error(KIND, object, field + ".path", quote(value) + " must start with \"/\""));
        } else if (path.pathType() == PathType.EXACT || path.pathType() == PathType.PREFIX) {
            String error = literalPathError(value, path.pathType());
            if (error != null) {
                problems.add(Problem.error(KIND, object, field + ".path", error));
            }
        }
        if (path.backend() == null) {
            problems.add(Problem.error(KIND, object, field + ".backend", "backend must be specified"));
        } else {
            validateBackend(path.backend(), object, field + ".backend", problems);
        }
    }

    private static String literalPathError(String path, PathType type) {
        String what = quote(path) + " (" + type.apiName() + ")";
        for (String sequence : new String[] {"//", "/./", "/../", "%2f", "%2F"}) {
            if (path.contains(sequence)) {
                return what + " must not contain '" + sequence + "'";
            }
        }
        for (String suffix : new String[] {"/..", "/."}) {
            if (path.endsWith(suffix)) {
                return what + " must not end with '" + suffix + "'";
            }
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '%') {
                if (i + 2 >= path.length() || !isHex(path.charAt(i + 1)) || !isHex(path.charAt(i + 2))) {
                    return what + " has a malformed escape at index " + i + " ('%' must be followed by two hex digits)";
                }
                String escape = path.substring(i + 1, i + 3);
                if (escape.equalsIgnoreCase("5c") || escape.equals("00")) {
                    return what + " must not contain '%" + escape + "' (no request can match it)";
                }
                i += 2;
            } else if (!isPathChar(c)) {
                return what + " must be a literal path: character " + describeChar(c) + " at index " + i
                        + " is not allowed (regular expressions need pathType ImplementationSpecific)";
            }
        }
        return null;
    }

    private static void validateBackend(IngressBackend backend, String object, String field, List<Problem> problems) {
        boolean hasService = backend.serviceName() != null || backend.servicePort() != null;
        boolean hasResource = backend.resource() != null;
        if (hasService == hasResource) {
            problems.add(Problem.error(KIND, object, field, hasService
                    ? "exactly one of service and resource must be specified, not both"
                    : "exactly one of service and resource must be specified"));
            return;
        }
        if (!hasService) {
            return;
        }
        String name = backend.serviceName();
        if (name == null || name.isEmpty()) {
            problems.add(Problem.error(KIND, object, field + ".service.name", "service name must be specified"));
        } else if (!isDns1035Label(name)) {
            problems.add(Problem.error(KIND, object, field + ".service.name", quote(name)
                    + " must be a DNS-1035 label: lower case letters, digits and '-', starting with a letter,"
                    + " at most 63 characters"));
        }
        PortRef port = backend.servicePort();
        if (port == null) {
            problems.add(Problem.error(KIND, object, field + ".service.port", "port must be specified (a number or a name)"));
        } else if (port.isNumber()) {
            if (port.number() < 1 || port.number() > 65535) {
                problems.add(Problem.error(KIND, object, field + ".service.port.number",
                        port.number() + " must be between 1 and 65535"));
            }
        } else if (!isIanaServiceName(port.name())) {
            problems.add(Problem.error(KIND, object, field + ".service.port.name", quote(port.name())
                    + " must be a port name: at most 15 lower case letters, digits and '-', with at least one"
                    + " letter, not starting or ending with '-', no '--'"));
        }
    }

    /** Why {@code host} is not a valid Ingress host, or {@code null} when it is. */
    static String hostError(String host, boolean rejectIp) {
        String quoted = quote(host);
        if (host.isEmpty()) {
            return "host must not be empty";
        }
        int colon = host.indexOf(':');
        if (colon > 0 && colon == host.lastIndexOf(':') && colon < host.length() - 1
                && host.substring(colon + 1).chars().allMatch(c -> c >= '0' && c <= '9')) {
            return quoted + " must not carry a port: use " + quote(host.substring(0, colon));
        }
        if (rejectIp && isIpAddress(host)) {
            return quoted + " must be a DNS name, not an IP address";
        }
        if (!host.equals(host.toLowerCase(java.util.Locale.ROOT))) {
            return quoted + " must be lower case";
        }
        if (host.startsWith("*.")) {
            if (!isDns1123Subdomain(host.substring(2))) {
                return quoted + " must be '*.' followed by a DNS-1123 subdomain (e.g. *.example.com)";
            }
            return null;
        }
        if (host.indexOf('*') >= 0) {
            return quoted + ": a wildcard must be the whole first label, as in *.example.com";
        }
        if (!isDns1123Subdomain(host)) {
            return quoted + " must be a DNS-1123 subdomain: lower case letters, digits, '-' and '.', each label"
                    + " starting and ending with a letter or digit, at most 253 characters";
        }
        return null;
    }

    static boolean isDns1123Subdomain(String value) {
        if (value.isEmpty() || value.length() > 253) {
            return false;
        }
        int labelStart = 0;
        for (int i = 0; i <= value.length(); i++) {
            if (i == value.length() || value.charAt(i) == '.') {
                if (!isDns1123Label(value, labelStart, i)) {
                    return false;
                }
                labelStart = i + 1;
            }
        }
        return true;
    }

    private static boolean isDns1123Label(String value, int from, int to) {
        if (to <= from || to - from > 63) {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = value.charAt(i);
            boolean alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
            if (!alnum && !(c == '-' && i != from && i != to - 1)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDns1035Label(String value) {
        return isDns1123Label(value, 0, value.length()) && value.charAt(0) >= 'a' && value.charAt(0) <= 'z';
    }

    private static boolean isIanaServiceName(String value) {
        if (value.isEmpty() || value.length() > 15 || value.startsWith("-") || value.endsWith("-")
                || value.contains("--")) {
            return false;
        }
        boolean letter = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c >= 'a' && c <= 'z') {
                letter = true;
            } else if (!(c >= '0' && c <= '9') && c != '-') {
                return false;
            }
        }
        return letter;
    }

    private static boolean isIpAddress(String host) {
        if (host.indexOf(':') >= 0 || host.startsWith("[")) {
            return true; // IPv6 (a DNS name never contains ':'; a port was reported above)
        }
        String[] parts = host.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)
                    || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    private static boolean isPathChar(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                || "-._~!$&'()*+,;=:@/".indexOf(c) >= 0;
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static String describeChar(char c) {
        return c > 0x20 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }

    private static String quote(String value) {
        return "\"" + value + "\"";
    }
}
