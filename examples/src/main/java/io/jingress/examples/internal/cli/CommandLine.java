package io.jingress.examples.internal.cli;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The command line of {@code jingress.jar}: the contract in DESIGN.md. Flags are written
 * {@code --name value} or {@code --name=value}; switches take an optional {@code =true|false}.
 *
 * <pre>{@code
 * Command command = CommandLine.parse("--manifests", "deploy/demo", "--http-port", "0");
 * }</pre>
 */
public final class CommandLine {

    private static final String CLUSTER_ONLY = "only applies in cluster mode (--kubeconfig or --in-cluster)";

    private static final List<Flag> MODE_FLAGS = List.of(
            new Flag("--manifests", "PATH", null,
                    "file mode: serve the Ingresses, Services and EndpointSlices in PATH (a YAML or JSON"
                            + " file, or a directory of them), reloaded when they change",
                    false, (d, v) -> d.manifests = existing("--manifests", v)),
            new Flag("--kubeconfig", "PATH", null,
                    "cluster mode: watch the Kubernetes API named by this kubeconfig file",
                    false, (d, v) -> d.kubeconfig = existing("--kubeconfig", v)),
            new Flag("--in-cluster", null, null,
                    "cluster mode: watch the Kubernetes API with the Pod's service account",
                    false, (d, v) -> d.inCluster = Values.bool("--in-cluster", v)),
            new Flag("--explain", "URL", null,
                    "with --manifests: print where a GET of URL goes and why (Ingress, rule, Service, port,"
                            + " endpoints, or the broken hop), then exit",
                    false, (d, v) -> d.explain = Values.httpUrl("--explain", v)),
            new Flag("--context", "NAME", "the kubeconfig's current context",
                    "the kubeconfig context to use (with --kubeconfig)",
                    false, (d, v) -> d.context = nonEmpty("--context", v)));

    private static final List<Flag> LISTENER_FLAGS = List.of(
            new Flag("--http-port", "N", Options.DEFAULT_HTTP_PORT + "; " + Options.DEMO_HTTP_PORT + " in the demo",
                    "plain-HTTP port (HTTP/1.1, and HTTP/2 with prior knowledge), on all addresses (0 = any free port)",
                    false, (d, v) -> d.httpPort = Values.port("--http-port", v, false)),
            new Flag("--https-port", "N|off", Options.DEFAULT_HTTPS_PORT + "; off in the demo",
                    "HTTPS port (HTTP/2 and HTTP/1.1 by ALPN), on all addresses, certificates from the Ingresses' TLS Secrets by SNI",
                    false, (d, v) -> d.httpsPort = Values.port("--https-port", v, true)),
            new Flag("--default-ssl-certificate", "NS/NAME", "a self-signed certificate made at start",
                    "the TLS Secret served to names without a certificate of their own and to clients without SNI"
                            + " (a wildcard certificate, say), as ingress-nginx's flag; followed when it changes; in"
                            + " file mode a Secret of the manifests, in cluster mode read whatever --watch-namespace says",
                    false, (d, v) -> d.defaultSslCertificate = Values.namespacedName("--default-ssl-certificate", v)),
            new Flag("--https-redirect-port", "N|off", "the HTTPS port; off without one",
                    "port in the 308 that sends plain HTTP for TLS hosts to HTTPS, where clients reach"
                            + " HTTPS on another port (a NodePort, a load balancer's 443); off: no redirect",
                    false, (d, v) -> d.httpsRedirectPort = Values.redirectPort("--https-redirect-port", v)),
            new Flag("--hsts-max-age", "SECONDS|off", Options.DEFAULT_HSTS_MAX_AGE + " (a year)",
                    "max-age of the Strict-Transport-Security header (with includeSubDomains) on every HTTPS"
                            + " answer, as ingress-nginx sends it; 0 tells browsers to forget it; off: no header,"
                            + " for hosts or subdomains that must stay reachable over plain HTTP",
                    false, (d, v) -> d.hstsMaxAge = Values.seconds("--hsts-max-age", v)),
            new Flag("--proxy-body-size", "SIZE", "0 (no limit)",
                    "largest request body (bytes, or with k, m or g: 8m) of a route whose Ingress sets no"
                            + " proxy-body-size annotation; longer ones get 413. ingress-nginx's is 1m; here none by"
                            + " default, as bodies are streamed, not buffered",
                    false, (d, v) -> d.proxyBodySize = Values.bodySize("--proxy-body-size", v)),
            new Flag("--admin-port", "N|off", Integer.toString(Options.DEFAULT_ADMIN_PORT),
                    "admin port: /healthz, /metrics, /status, /routes",
                    false, (d, v) -> d.adminPort = Values.port("--admin-port", v, true)),
            new Flag("--admin-address", "ADDR", Options.DEFAULT_ADMIN_ADDRESS,
                    "address the admin port binds to (0.0.0.0 for probes and scraping from outside the Pod)",
                    false, (d, v) -> d.adminAddress = Values.ipAddress("--admin-address", v)),
            new Flag("--access-log", null, "off",
                    "log one line per request on stdout (nginx's upstreaminfo format)",
                    false, (d, v) -> d.accessLog = Values.bool("--access-log", v)),
            new Flag("--proxy-protocol", null, "off",
                    "require the PROXY protocol (v1 or v2) on both listeners, as sent by a load balancer in TCP "
                            + "mode: the client address is the one in its header; connections without one are closed",
                    false, (d, v) -> d.proxyProtocol = Values.bool("--proxy-protocol", v)),
            new Flag("--enable-ssl-passthrough", null, "off",
                    "honour the ssl-passthrough annotation, as ingress-nginx's flag does: TLS connections on the HTTPS"
                            + " port whose SNI names such an Ingress's host go undecrypted to the backend of its path /;"
                            + " without it the annotation is a warning and the Ingress is served as usual",
                    false, (d, v) -> d.sslPassthrough = Values.bool("--enable-ssl-passthrough", v)),
            new Flag("--trusted-proxies", "CIDR[,CIDR]", "none",
                    "the load balancers in front (IPv4/IPv6 addresses or ranges, repeatable) whose X-Forwarded-Proto"
                            + " and X-Forwarded-For are believed: from them, X-Forwarded-Proto: https counts as HTTPS (no"
                            + " redirect loop, HSTS) and the client is the last untrusted X-Forwarded-For entry",
                    true, (d, v) -> d.trustedProxies.addAll(Values.cidrs("--trusted-proxies", v))),
            new Flag("--allowed-response-headers", "NAME[,NAME]", "none",
                    "the response headers an Ingress's custom-headers ConfigMap may set (repeatable; any case),"
                            + " ingress-nginx's global-allowed-response-headers; Content-Length, Transfer-Encoding,"
                            + " Connection and the other hop-by-hop headers and Set-Cookie never",
                    true, (d, v) -> d.allowedResponseHeaders.addAll(Values.headerNames("--allowed-response-headers", v))));

    private static final List<Flag> CLASS_FLAGS = List.of(
            new Flag("--ingress-class", "NAME", Options.DEFAULT_INGRESS_CLASS,
                    "the IngressClass whose Ingresses are served",
                    false, (d, v) -> d.ingressClass = Values.dnsSubdomain("--ingress-class", v)),
            new Flag("--controller-class", "NAME", Options.DEFAULT_CONTROLLER_CLASS,
                    "the spec.controller that marks an IngressClass as ours",
                    false, (d, v) -> d.controllerClass = Values.controllerClass("--controller-class", v)),
            new Flag("--gateway-controller", "NAME", Options.DEFAULT_GATEWAY_CONTROLLER,
                    "the spec.controllerName that marks a GatewayClass as ours: its Gateways' HTTPRoutes and GRPCRoutes"
                            + " are served",
                    false, (d, v) -> d.gatewayController = Values.controllerClass("--gateway-controller", v)),
            new Flag("--watch-ingress-without-class", null, "off",
                    "also serve Ingresses that name no class (always, when our IngressClass is the default)",
                    false, (d, v) -> d.watchIngressWithoutClass = Values.bool("--watch-ingress-without-class", v)),
            new Flag("--watch-namespace", "NS[,NS]", "all namespaces",
                    "serve only Ingresses in these namespaces (repeatable)",
                    true, (d, v) -> d.watchNamespaces.addAll(Values.namespaces("--watch-namespace", v))),
            new Flag("--watch-namespace-selector", "SELECTOR", "all namespaces",
                    "serve only Ingresses in Namespaces whose labels match this selector (team=shop, env in"
                            + " (prod,staging), !legacy), followed as labels change, as ingress-nginx's flag",
                    false, (d, v) -> d.watchNamespaceSelector = Values.labelSelector("--watch-namespace-selector", v)),
            new Flag("--tcp-services-configmap", "NS/NAME", null,
                    "expose TCP services: each key of this ConfigMap is a port to listen on, each value"
                            + " namespace/service:port[:PROXY[:PROXY]] (docs/tcp-services.md)",
                    false, (d, v) -> d.tcpServicesConfigMap = Values.namespacedName("--tcp-services-configmap", v)),
            new Flag("--configmap", "NS/NAME", null,
                    "the controller's ConfigMap, as ingress-nginx's flag: its keys named as an annotation"
                            + " (proxy-read-timeout, proxy-body-size, ssl-redirect, whitelist-source-range, ...) are"
                            + " every Ingress's default, global-auth-url authenticates every Ingress without its own;"
                            + " add-headers, proxy-set-headers, block-*, hsts*, ssl-protocols, ssl-ciphers, use-gzip and more (docs/routing.md); followed"
                            + " live; the keys not read are WARNINGs",
                    false, (d, v) -> d.configMap = Values.namespacedName("--configmap", v)),
            new Flag("--default-backend-service", "NS/NAME", "none: such requests get 404",
                    "the Service (at its first port) that takes the requests no rule takes: hosts without rules,"
                            + " paths no rule of an Ingress host matches; and the error pages of custom-http-errors"
                            + " without a default-backend, as ingress-nginx's flag",
                    false, (d, v) -> d.defaultBackendService = Values.namespacedName("--default-backend-service", v)));

    private static final List<Flag> CLUSTER_FLAGS = List.of(
            new Flag("--publish-service", "NS/NAME", null,
                    "write this Service's load-balancer addresses or external IPs (else its cluster IP)"
                            + " into Ingress status",
                    false, (d, v) -> d.publishService = Values.namespacedName("--publish-service", v)),
            new Flag("--publish-status-address", "ADDR[,ADDR]", null,
                    "write these IP addresses or host names into Ingress status (repeatable)",
                    true, (d, v) -> d.publishStatusAddresses.addAll(
                            Values.statusAddresses("--publish-status-address", v))),
            new Flag("--election-id", "NAME", Options.DEFAULT_ELECTION_ID,
                    "the Lease that elects the one replica writing Ingress status",
                    false, (d, v) -> d.electionId = Values.dnsSubdomain("--election-id", v)),
            new Flag("--use-env-proxy", null, "off: the API server is reached directly",
                    "reach the API server through the proxy of HTTPS_PROXY/HTTP_PROXY (honouring NO_PROXY)",
                    false, (d, v) -> d.useEnvProxy = Values.bool("--use-env-proxy", v)));

    private static final List<Flag> OTHER_FLAGS = List.of(
            new Flag("--help", null, null, "print this help and exit", false, (d, v) -> { }),
            new Flag("--version", null, null, "print the version and exit", false, (d, v) -> { }));

    private static final Map<String, Flag> FLAGS = index();

    private CommandLine() {
    }

    /**
     * Parses and checks a command line.
     *
     * @throws UsageException with one line naming the flag and value at fault
     */
    public static Command parse(String... args) throws UsageException {
        Draft draft = new Draft();
        Set<String> given = new LinkedHashSet<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if ("-h".equals(arg)) {
                arg = "--help";
            }
            if (!arg.startsWith("--")) {
                Flag previous = i > 0 ? FLAGS.get(args[i - 1]) : null;
                if (previous != null && previous.isSwitch() && ("true".equals(arg) || "false".equals(arg))) {
                    // "--access-log false" would otherwise switch it on and then fail on "false"
                    throw new UsageException("unexpected argument \"" + arg + "\": " + previous.name()
                            + " is a switch; write " + previous.name() + "=" + arg);
                }
                throw new UsageException("unexpected argument \"" + arg + "\" (flags start with --; see --help)");
            }
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg : arg.substring(0, eq);
            Flag flag = FLAGS.get(name);
            if (flag == null) {
                throw new UsageException("unknown flag " + name + didYouMean(name));
            }
            if (!given.add(name) && !flag.repeatable()) {
                throw new UsageException(name + " is given twice");
            }
            String value;
            if (eq >= 0 && (flag.name().equals("--help") || flag.name().equals("--version"))) {
                throw new UsageException(name + " takes no value");
            }
            if (eq >= 0) {
                value = arg.substring(eq + 1);
            } else if (flag.isSwitch()) {
                value = "true";
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                value = args[++i];
            } else {
                throw new UsageException(name + " needs a value (" + flag.valueName() + ")");
            }
            flag.setter().apply(draft, value);
        }
        if (given.contains("--help")) {
            return new Command.Help();
        }
        if (given.contains("--version")) {
            return new Command.Version();
        }
        Options options = check(draft, given);
        if (draft.explain != null) {
            if (options.mode() != Mode.FILES) {
                throw new UsageException("--explain needs --manifests");
            }
            return new Command.Explain(options, draft.explain);
        }
        return new Command.Run(options);
    }

    private static Options check(Draft d, Set<String> given) throws UsageException {
        boolean cluster = d.kubeconfig != null || d.inCluster;
        if (d.kubeconfig != null && d.inCluster) {
            throw new UsageException("--kubeconfig and --in-cluster are two ways to reach the API: give one");
        }
        if (d.manifests != null && cluster) {
            throw new UsageException("--manifests and " + (d.inCluster ? "--in-cluster" : "--kubeconfig")
                    + " are different modes: give one");
        }
        if (d.context != null && d.kubeconfig == null) {
            throw new UsageException("--context needs --kubeconfig");
        }
        Mode mode = cluster ? Mode.CLUSTER : d.manifests != null ? Mode.FILES : Mode.DEMO;
        if (mode != Mode.CLUSTER) {
            for (Flag flag : CLUSTER_FLAGS) {
                if (given.contains(flag.name())) {
                    throw new UsageException(flag.name() + " " + CLUSTER_ONLY);
                }
            }
        }
        if (mode == Mode.DEMO) {
            for (Flag flag : CLASS_FLAGS) {
                if (given.contains(flag.name())) {
                    throw new UsageException(flag.name() + " does not apply to the demo: use it with --manifests,"
                            + " --kubeconfig or --in-cluster");
                }
            }
        }
        Options options = new Options(d, mode, warnings(d, mode));
        if (d.defaultSslCertificate != null && mode == Mode.DEMO) {
            throw new UsageException("--default-ssl-certificate does not apply to the demo: use it with --manifests,"
                    + " --kubeconfig or --in-cluster");
        }
        if (d.defaultSslCertificate != null && options.httpsPort() == Options.OFF) {
            throw new UsageException("--default-ssl-certificate needs an HTTPS listener: it is served on --https-port,"
                    + " which is off");
        }
        samePort("--http-port", options.httpPort(), "--https-port", options.httpsPort());
        samePort("--http-port", options.httpPort(), "--admin-port", options.adminPort());
        samePort("--https-port", options.httpsPort(), "--admin-port", options.adminPort());
        if (given.contains("--admin-address") && options.adminPort() == Options.OFF) {
            throw new UsageException("--admin-address needs the admin listener, and --admin-port is off");
        }
        if (options.sslPassthrough() && options.httpsPort() == Options.OFF) {
            throw new UsageException("--enable-ssl-passthrough needs the HTTPS listener, where TLS is passed through,"
                    + " and --https-port is " + (given.contains("--https-port") ? "off" : "off in the demo")
                    + ": give --https-port N");
        }
        return options;
    }

    /** What the flags allow but a user most likely did not mean: logged when the server starts. */
    private static List<String> warnings(Draft d, Mode mode) {
        List<String> warnings = new ArrayList<>();
        boolean httpsOff = d.httpsPort != null ? d.httpsPort == Options.OFF : mode == Mode.DEMO;
        if (httpsOff && d.httpsRedirectPort != null && d.httpsRedirectPort != Options.OFF
                && d.trustedProxies.isEmpty()) {
            // documented for TLS ended in front, where it loops unless X-Forwarded-Proto is believed
            warnings.add("--https-redirect-port " + d.httpsRedirectPort + " with --https-port off: plain-HTTP requests"
                    + " for TLS hosts are redirected to port " + d.httpsRedirectPort + ", which this process does not"
                    + " serve; if a load balancer ends TLS there and forwards plain HTTP, give its addresses in"
                    + " --trusted-proxies, or every redirected request comes back plain and is redirected again");
        }
        return warnings;
    }

    private static void samePort(String flag, int port, String otherFlag, int otherPort) throws UsageException {
        if (port > 0 && port == otherPort) {
            throw new UsageException(flag + " and " + otherFlag + " are both " + port + ": give them different ports");
        }
    }

    /** The help text: every flag with its default. */
    public static String usage() {
        StringBuilder out = new StringBuilder()
                .append("Usage: java -jar jingress.jar [--manifests PATH | --kubeconfig PATH | --in-cluster] [FLAGS]\n")
                .append("\n")
                .append("Routes HTTP traffic the way a Kubernetes Ingress controller does. Without a mode flag it runs\n")
                .append("the kubia walkthrough on this machine: three pods, a Service, an Ingress, and the ingress on\n")
                .append("port ").append(Options.DEMO_HTTP_PORT).append(".\n");
        section(out, "Where routes come from (give at most one mode)", MODE_FLAGS);
        section(out, "Listeners", LISTENER_FLAGS);
        section(out, "Which Ingresses are served (file and cluster mode)", CLASS_FLAGS);
        section(out, "Cluster mode", CLUSTER_FLAGS);
        section(out, "Other", OTHER_FLAGS);
        out.append("\nA flag's value follows it (--http-port 80) or an equals sign (--http-port=80); a switch is on when\n")
                .append("given, or takes =true or =false (--access-log=false).\n");
        out.append("\nExit codes: 0 stopped by SIGTERM or Ctrl-C (after draining requests, or while starting); 1\n")
                .append("could not start or run (a port in use, no API server, manifests --explain cannot parse); 2 a\n")
                .append("bad command line (including a --manifests or --kubeconfig path that does not exist or cannot\n")
                .append("be read).\n");
        return out.toString();
    }

    private static final int HELP_COLUMN = 34;
    private static final int HELP_WIDTH = 100;

    private static void section(StringBuilder out, String title, List<Flag> flags) {
        out.append('\n').append(title).append(":\n");
        for (Flag flag : flags) {
            String left = "  " + flag.synopsis();
            List<String> words = new ArrayList<>(List.of(flag.help().split(" ")));
            if (flag.defaultText() != null) {
                words.add("(default: " + flag.defaultText() + ")"); // never split across lines
            }
            out.append(left);
            if (left.length() >= HELP_COLUMN - 1) {
                out.append('\n').append(" ".repeat(HELP_COLUMN));
            } else {
                out.append(" ".repeat(HELP_COLUMN - left.length()));
            }
            wrap(out, words);
        }
    }

    /** Appends {@code words} from the help column on, wrapped at {@link #HELP_WIDTH} with a hanging indent. */
    private static void wrap(StringBuilder out, List<String> words) {
        int column = HELP_COLUMN;
        boolean first = true;
        for (String word : words) {
            if (!first && column + 1 + word.length() > HELP_WIDTH) {
                out.append('\n').append(" ".repeat(HELP_COLUMN));
                column = HELP_COLUMN;
                first = true;
            }
            if (!first) {
                out.append(' ');
                column++;
            }
            out.append(word);
            column += word.length();
            first = false;
        }
        out.append('\n');
    }

    /** Every flag name the command line accepts. */
    public static Set<String> flagNames() {
        return FLAGS.keySet();
    }

    private static Map<String, Flag> index() {
        Map<String, Flag> flags = new LinkedHashMap<>();
        for (List<Flag> group : List.of(MODE_FLAGS, LISTENER_FLAGS, CLASS_FLAGS, CLUSTER_FLAGS, OTHER_FLAGS)) {
            for (Flag flag : group) {
                flags.put(flag.name(), flag);
            }
        }
        return Map.copyOf(flags);
    }

    private static Path existing(String flag, String value) throws UsageException {
        Path path;
        try {
            path = Path.of(nonEmpty(flag, value));
        } catch (InvalidPathException e) {
            throw Values.bad(flag, value, "is not a path");
        }
        if (!Files.exists(path)) {
            throw Values.bad(flag, value, "does not exist");
        }
        if (!Files.isReadable(path)) {
            throw Values.bad(flag, value, "cannot be read");
        }
        return path;
    }

    private static String nonEmpty(String flag, String value) throws UsageException {
        if (value.isBlank()) {
            throw new UsageException(flag + " needs a value");
        }
        return value;
    }

    private static String didYouMean(String name) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : FLAGS.keySet()) {
            int distance = distance(name, candidate);
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return bestDistance <= 3 ? " (did you mean " + best + "?)" : " (see --help)";
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
