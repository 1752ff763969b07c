package io.jingress.examples.internal.cli;

import io.jingress.core.route.RoutePolicy;
import io.jingress.core.route.TrustedProxies;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Checks and converts flag values; every failure names the flag and quotes the value. */
final class Values {

    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile(
            "(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern HOSTNAME = Pattern.compile(
            "(?=.{1,253}$)(?i)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern CONTROLLER = Pattern.compile(
            "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/[A-Za-z0-9._~/-]+");

    private Values() {
    }

    static int port(String flag, String value, boolean mayBeOff) throws UsageException {
        if (mayBeOff && "off".equals(value)) {
            return Options.OFF;
        }
        String range = mayBeOff ? "(1-65535, 0 for any free port, or off)" : "(1-65535, or 0 for any free port)";
        if (value.isEmpty() || value.length() > 5 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw bad(flag, value, "is not a port number " + range);
        }
        int port = Integer.parseInt(value);
        if (port > 65535) {
            throw bad(flag, value, "is not a port number " + range);
        }
        return port;
    }

    /** A port a redirect names (1-65535), or {@link Options#OFF}; not 0, "any free port", which names none. */
    static int redirectPort(String flag, String value) throws UsageException {
        if ("off".equals(value)) {
            return Options.OFF;
        }
        if (value.isEmpty() || value.length() > 5 || !value.chars().allMatch(c -> c >= '0' && c <= '9')
                || Integer.parseInt(value) < 1 || Integer.parseInt(value) > 65535) {
            throw bad(flag, value, "is not a port number (1-65535, or off)");
        }
        return Integer.parseInt(value);
    }

    /** A whole number of seconds (at most ten digits), or {@link Options#OFF}. */
    static long seconds(String flag, String value) throws UsageException {
        if ("off".equals(value)) {
            return Options.OFF;
        }
        if (value.isEmpty() || value.length() > 10 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw bad(flag, value, "is not a number of seconds (such as 31536000), or off");
        }
        return Long.parseLong(value);
    }

    /** A body size as nginx writes one (bytes, or with k, m or g: 1024s); 0 for no limit. */
    static long bodySize(String flag, String value) throws UsageException {
        long bytes = RoutePolicy.parseBodySize(value);
        if (bytes < 0) {
            throw bad(flag, value, "is not a size (bytes, or a number with k, m or g, such as 8m; 0 for no limit)");
        }
        return bytes;
    }

    static String ipAddress(String flag, String value) throws UsageException {
        if ("localhost".equals(value) || IPV4.matcher(value).matches() || isIpv6(value)) {
            return value;
        }
        throw bad(flag, value, "is not an IP address (such as 127.0.0.1, 0.0.0.0 or ::)");
    }

    private static boolean isIpv6(String value) {
        if (!IPV6.matcher(value).matches()) {
            return false;
        }
        try {
            // A string with ':' is parsed as an IPv6 literal, never looked up in DNS.
            InetAddress.getByName(value);
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    static String dnsSubdomain(String flag, String value) throws UsageException {
        if (!DNS_SUBDOMAIN.matcher(value).matches()) {
            throw bad(flag, value, "is not a valid name (lower-case letters, digits, '-' and '.')");
        }
        return value;
    }

    static String controllerClass(String flag, String value) throws UsageException {
        if (!CONTROLLER.matcher(value).matches()) {
            throw bad(flag, value, "is not a controller name (a domain-prefixed path such as jingress.io/ingress-controller)");
        }
        return value;
    }

    /** Namespaces, comma-separated. */
    static List<String> namespaces(String flag, String value) throws UsageException {
        List<String> result = new ArrayList<>();
        for (String ns : value.split(",", -1)) {
            String trimmed = ns.trim();
            if (!DNS_LABEL.matcher(trimmed).matches()) {
                throw bad(flag, trimmed, "is not a namespace name (lower-case letters, digits and '-', at most 63)");
            }
            result.add(trimmed);
        }
        return result;
    }

    /** Addresses for Ingress status, comma-separated: IP addresses or host names. */
    static List<String> statusAddresses(String flag, String value) throws UsageException {
        List<String> result = new ArrayList<>();
        for (String address : value.split(",", -1)) {
            String trimmed = address.trim();
            if (!IPV4.matcher(trimmed).matches() && !isIpv6(trimmed) && !HOSTNAME.matcher(trimmed).matches()) {
                throw bad(flag, trimmed, "is not an IP address or host name");
            }
            result.add(trimmed);
        }
        return result;
    }

    /** {@code namespace/name}. */
    static String namespacedName(String flag, String value) throws UsageException {
        int slash = value.indexOf('/');
        if (slash < 0 || !DNS_LABEL.matcher(value.substring(0, slash)).matches()
                || !DNS_SUBDOMAIN.matcher(value.substring(slash + 1)).matches()) {
            throw bad(flag, value, "is not namespace/name (such as jingress/jingress)");
        }
        return value;
    }

    /** A label selector ({@code team=shop}, {@code env in (prod,staging)}), as kubectl -l takes one. */
    static String labelSelector(String flag, String value) throws UsageException {
        try {
            io.jingress.k8s.internal.translate.NamespaceSelector.parse(value);
        } catch (IllegalArgumentException e) {
            throw bad(flag, value, "is not a label selector: " + e.getMessage());
        }
        return value;
    }

    /** An absolute http or https URL with a host. */
    static String httpUrl(String flag, String value) throws UsageException {
        try {
            URI uri = new URI(value);
            if (("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
                    && uri.getHost() != null) {
                return value;
            }
        } catch (URISyntaxException e) {
            // reported below, with the flag
        }
        throw bad(flag, value, "is not an absolute http(s) URL (such as http://myapp.kubia.com/path)");
    }

    /** IPv4 or IPv6 addresses or CIDR ranges, comma-separated. */
    static List<String> cidrs(String flag, String value) throws UsageException {
        List<String> result = new ArrayList<>();
        for (String cidr : value.split(",", -1)) {
            String trimmed = cidr.trim();
            try {
                TrustedProxies.of(List.of(trimmed));
            } catch (IllegalArgumentException e) {
                throw bad(flag, trimmed, "is not an IPv4 or IPv6 address or CIDR range (such as 10.0.0.0/8 or 2001:db8::/32)");
            }
            result.add(trimmed);
        }
        return result;
    }

    static List<String> headerNames(String flag, String value) throws UsageException {
        List<String> result = new ArrayList<>();
        for (String name : value.split(",", -1)) {
            String trimmed = name.trim();
            if (!trimmed.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
                throw bad(flag, trimmed, "is not a header name (letters, digits and !#$%&'*+-.^_`|~, such as X-Frame-Options)");
            }
            result.add(trimmed);
        }
        return result;
    }

    static boolean bool(String flag, String value) throws UsageException {
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw bad(flag, value, "is not true or false");
        };
    }

    static UsageException bad(String flag, String value, String what) {
        return new UsageException(flag + ": \"" + value + "\" " + what);
    }
}
