package io.jingress.core.route;

import io.jingress.core.lb.BalancerPolicy;
import io.jingress.core.model.ClusterState;
import io.jingress.core.model.ConfigMap;
import io.jingress.core.model.Ingress;
import io.jingress.core.model.Problem;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The controller's own ConfigMap, ingress-nginx's {@code --configmap}: what it sets for every
 * Ingress of the class (not for Gateway API routes, which ingress-nginx never served).
 *
 * <ul>
 *   <li>The keys named as an annotation ({@code proxy-read-timeout}, {@code ssl-redirect},
 *       {@code whitelist-source-range}, ...) are that annotation's default: an Ingress without it
 *       gets the ConfigMap's value; its own wins.</li>
 *   <li>{@code global-auth-url} and its companions are the external authentication of every
 *       Ingress without an {@code auth-url} of its own, unless it says
 *       {@code enable-global-auth: "false"}, and but for the paths that {@code no-auth-locations}
 *       lists (by prefix of the path as written; default {@code /.well-known/acme-challenge}).</li>
 *   <li>{@code no-tls-redirect-locations}: the paths (by prefix, as written) never redirected to
 *       HTTPS (default {@code /.well-known/acme-challenge}, also without a ConfigMap, as
 *       ingress-nginx), so an ACME HTTP-01 solver answers over plain HTTP.</li>
 *   <li>{@code add-headers} and {@code proxy-set-headers} name ConfigMaps ({@code namespace/name})
 *       of headers set on every answer of the Ingresses' routes (an Ingress's own
 *       {@code custom-headers} over them) and on every request they send upstream.</li>
 *   <li>The whole proxy's ({@link ServerSettings}): {@code block-cidrs}, {@code block-user-agents},
 *       {@code block-referers}, {@code enable-underscores-in-headers}, {@code ignore-invalid-headers},
 *       {@code http-redirect-code}, {@code limit-req-status-code}, {@code limit-conn-status-code}, and
 *       {@code hsts}, {@code hsts-max-age}, {@code hsts-include-subdomains}, {@code hsts-preload}
 *       (in place of the server's HSTS), {@code hide-headers}, {@code allow-backend-server-header},
 *       {@code ssl-protocols} and {@code ssl-ciphers} ({@link TlsPolicyKeys}), {@code use-gzip} with
 *       {@code gzip-level}, {@code gzip-min-length} and {@code gzip-types} ({@link ResponseCompression}).</li>
 * </ul>
 *
 * <p>A value that cannot be used is one WARNING on its key ({@code data["proxy-read-timeout"]}),
 * said once here and not again on every Ingress; it then does what the same annotation does with
 * that value (its default, or for the authentication keys routes answering 503: never served
 * without the authentication asked for). The keys not read are one WARNING listing them.
 */
final class ControllerConfigMap {
    private static final String KIND = "ConfigMap";
    private static final String NGINX_PREFIX = RouteAnnotations.NGINX_PREFIX;
    private static final String OUR_PREFIX = RouteAnnotations.OUR_PREFIX;
    static final String ENABLE_GLOBAL_AUTH = "enable-global-auth";
    private static final String NO_AUTH_LOCATIONS = "no-auth-locations";
    private static final String NO_TLS_REDIRECT_LOCATIONS = "no-tls-redirect-locations";
    private static final String ADD_HEADERS = "add-headers";
    private static final String PROXY_SET_HEADERS = "proxy-set-headers";
    private static final String BLOCK_CIDRS = "block-cidrs";
    private static final String BLOCK_USER_AGENTS = "block-user-agents";
    private static final String BLOCK_REFERERS = "block-referers";
    private static final String UNDERSCORES = "enable-underscores-in-headers";
    private static final String IGNORE_INVALID = "ignore-invalid-headers";
    private static final String HTTP_REDIRECT_CODE = "http-redirect-code";
    private static final String LIMIT_REQ_STATUS = "limit-req-status-code";
    private static final String LIMIT_CONN_STATUS = "limit-conn-status-code";
    private static final String HIDE_HEADERS = "hide-headers";
    private static final String BACKEND_SERVER_HEADER = "allow-backend-server-header";
    private static final String HSTS = "hsts";
    private static final String HSTS_MAX_AGE = "hsts-max-age";
    private static final String HSTS_INCLUDE_SUBDOMAINS = "hsts-include-subdomains";
    private static final String HSTS_PRELOAD = "hsts-preload";
    // written by the proxy itself upstream (framing, hop-by-hop, the forwarded headers, the request
    // id), never set from a ConfigMap; Host is upstream-vhost's
    private static final Set<String> REFUSED_UPSTREAM = Set.of("connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "te", "trailer", "upgrade", "content-length", "expect", "host", "forwarded",
            "x-forwarded-for", "x-forwarded-host", "x-forwarded-port", "x-forwarded-proto", "x-forwarded-scheme",
            "x-forwarded-prefix", "x-real-ip", "x-request-id", "x-original-forwarded-for", "x-scheme");
    private static final List<String> ACME = List.of("/.well-known/acme-challenge");

    // the keys that are an annotation's default, under the annotation's own name
    static final List<String> DEFAULTS = List.of(
            BodySizeAnnotation.NAME, UpstreamTimeoutAnnotations.CONNECT, UpstreamTimeoutAnnotations.READ,
            BufferAnnotations.PROXY_BUFFERING, BufferAnnotations.BUFFER_SIZE, BufferAnnotations.BUFFERS_NUMBER,
            BufferAnnotations.REQUEST_BUFFERING, BufferAnnotations.CLIENT_BODY_BUFFER_SIZE, NextUpstreamAnnotations.CONDITIONS,
            NextUpstreamAnnotations.TIMEOUT, NextUpstreamAnnotations.TRIES,
            CookieRewriteAnnotations.PATH, CookieRewriteAnnotations.DOMAIN, HeaderAnnotations.PROXY_REDIRECT_FROM,
            HeaderAnnotations.PROXY_REDIRECT_TO, SslRedirectAnnotation.NAME, ForceSslRedirectAnnotation.NAME,
            SourceRangeAnnotations.WHITELIST, SourceRangeAnnotations.DENYLIST, DefaultBackendAnnotations.CUSTOM_HTTP_ERRORS, "load-balance", ServiceUpstreamAnnotation.NAME);
    // global-auth-X is auth-X
    private static final List<String> GLOBAL_AUTH = List.of(ExternalAuthAnnotations.URL, ExternalAuthAnnotations.METHOD,
            ExternalAuthAnnotations.SIGNIN, ExternalAuthAnnotations.SIGNIN_REDIRECT_PARAM,
            ExternalAuthAnnotations.RESPONSE_HEADERS, ExternalAuthAnnotations.REQUEST_REDIRECT,
            ExternalAuthAnnotations.SNIPPET, ExternalAuthAnnotations.CACHE_KEY, ExternalAuthAnnotations.CACHE_DURATION,
            ExternalAuthAnnotations.ALWAYS_SET_COOKIE);
    private static final String GLOBAL = "global-";
    private static final String USE_GZIP = "use-gzip";
    private static final String GZIP_LEVEL = "gzip-level";
    private static final String GZIP_MIN_LENGTH = "gzip-min-length";
    private static final String GZIP_TYPES = "gzip-types";
    // ingress-nginx's keys whose settings are the runtime's flags here (fixed at start)
    private static final Map<String, String> FLAGS = Map.ofEntries(
            Map.entry("use-forwarded-headers", "--trusted-proxies"), Map.entry("proxy-real-ip-cidr", "--trusted-proxies"),
            Map.entry("use-proxy-protocol", "--proxy-protocol"),
            Map.entry("global-allowed-response-headers", "--allowed-response-headers"),
            Map.entry("disable-access-log", "--access-log"), Map.entry("log-format-upstream", "--access-log"),
            Map.entry("default-ssl-certificate", "--default-ssl-certificate"));

    /** No ConfigMap: ingress-nginx's defaults for the locations lists, nothing else. */
    static final ControllerConfigMap NONE = new ControllerConfigMap(null, Map.of(), Map.of(), ACME, ACME, null, null,
            ServerSettings.DEFAULTS);

    private final String key;  // namespace/name, or null
    private final Map<String, String> defaults;  // annotation name (without prefix) to value
    private final Map<String, String> globalAuth;  // annotation name (auth-url, ...) to value; empty: none
    private final List<String> noAuthLocations;
    private final List<String> noTlsRedirectLocations;
    private final ResponseHeaders addHeaders;  // null: none
    private final RequestHeaders proxySetHeaders;  // null: none
    private final ServerSettings serverSettings;

    private ControllerConfigMap(String key, Map<String, String> defaults, Map<String, String> globalAuth,
            List<String> noAuthLocations, List<String> noTlsRedirectLocations, ResponseHeaders addHeaders,
            RequestHeaders proxySetHeaders, ServerSettings serverSettings) {
        this.key = key;
        this.defaults = defaults;
        this.globalAuth = globalAuth;
        this.noAuthLocations = noAuthLocations;
        this.noTlsRedirectLocations = noTlsRedirectLocations;
        this.addHeaders = addHeaders;
        this.proxySetHeaders = proxySetHeaders;
        this.serverSettings = serverSettings;
    }

    /**
     * The ConfigMap {@code key} ({@code namespace/name}) of {@code state} read; {@link #NONE} when
     * {@code key} is null, or (with a WARNING) when the state has no such ConfigMap. {@code serverDefault}:
     * the default backend Service's backend (which serves {@code custom-http-errors}' pages), or null.
     */
    static ControllerConfigMap read(String key, ClusterState state, Backend serverDefault, List<Problem> problems) {
        if (key == null) {
            return NONE;
        }
        ConfigMap configMap = null;
        for (ConfigMap candidate : state.configMaps()) {
            if (candidate.key().equals(key)) {
                configMap = candidate;
            }
        }
        if (configMap == null) {
            problems.add(Problem.warning(KIND, key, "", "the controller's ConfigMap (--configmap) is not found: every"
                    + " setting has its default until it is created"));
            return NONE;
        }
        Map<String, String> data = new TreeMap<>(configMap.data());
        Map<String, String> defaults = new LinkedHashMap<>();
        for (String name : DEFAULTS) {
            String value = data.remove(name);
            if (value != null) {
                defaults.put(name, value.trim());
            }
        }
        rateDefaults(key, data, defaults, problems);
        Map<String, String> globalAuth = new LinkedHashMap<>();
        for (String name : GLOBAL_AUTH) {
            String value = data.remove(GLOBAL + name);
            if (value != null && !value.isBlank()) {
                globalAuth.put(name, value.trim());
            }
        }
        if (!globalAuth.containsKey(ExternalAuthAnnotations.URL)) {
            for (String name : globalAuth.keySet()) {
                problems.add(Problem.warning(KIND, key, field(GLOBAL + name), "has no effect without global-auth-url"));
            }
            globalAuth.clear();
        }
        List<String> noAuth = locations(data.remove(NO_AUTH_LOCATIONS));
        List<String> noTlsRedirect = locations(data.remove(NO_TLS_REDIRECT_LOCATIONS));
        Map<String, String> added = headers(key, ADD_HEADERS, data.remove(ADD_HEADERS), state, problems);
        Map<String, String> proxySet = headers(key, PROXY_SET_HEADERS, data.remove(PROXY_SET_HEADERS), state, problems);
        ServerSettings settings = serverSettings(key, data, problems);
        check(key, defaults, "", serverDefault, problems);
        check(key, globalAuth, GLOBAL, null, problems);
        if (!data.isEmpty()) {
            List<String> flags = new ArrayList<>();
            List<String> others = new ArrayList<>();
            data.keySet().forEach(name -> {
                String flag = FLAGS.get(name);
                if (flag != null) {
                    flags.add(name + " (" + flag + ")");
                } else {
                    others.add(name);
                }
            });
            problems.add(Problem.warning(KIND, key, "data", "not read by Jingress, so without effect: "
                    + String.join(", ", others) + (others.isEmpty() || flags.isEmpty() ? "" : "; ")
                    + (flags.isEmpty() ? "" : "set by a flag of the runtime instead: " + String.join(", ", flags))));
        }
        return new ControllerConfigMap(key, Map.copyOf(defaults), Map.copyOf(globalAuth), noAuth, noTlsRedirect,
                added.isEmpty() ? null : ResponseHeaders.addHeaders(configMapKey(ADD_HEADERS, configMap), added),
                proxySet.isEmpty() ? null : new RequestHeaders(configMapKey(PROXY_SET_HEADERS, configMap), proxySet),
                settings);
    }

    // the keys of the whole proxy's settings, each removed from data
    private static ServerSettings serverSettings(String key, Map<String, String> data, List<Problem> problems) {
        RequestBlocks blocks = new RequestBlocks(blockedAddresses(key, data.remove(BLOCK_CIDRS), problems),
                blockedValues(key, BLOCK_USER_AGENTS, data.remove(BLOCK_USER_AGENTS), problems),
                blockedValues(key, BLOCK_REFERERS, data.remove(BLOCK_REFERERS), problems));
        HeaderNameRules headerNames = new HeaderNameRules(
                bool(key, UNDERSCORES, data.remove(UNDERSCORES), HeaderNameRules.NGINX.underscores(), problems),
                bool(key, IGNORE_INVALID, data.remove(IGNORE_INVALID), HeaderNameRules.NGINX.ignoreInvalid(), problems));
        ServerSettings defaults = ServerSettings.DEFAULTS;
        return new ServerSettings(blocks.isNone() ? RequestBlocks.NONE : blocks, headerNames,
                status(key, HTTP_REDIRECT_CODE, data.remove(HTTP_REDIRECT_CODE), defaults.httpsRedirectStatus(),
                        Set.of(301, 302, 307, 308), problems),
                status(key, LIMIT_REQ_STATUS, data.remove(LIMIT_REQ_STATUS), defaults.limitRequestStatus(), null, problems),
                status(key, LIMIT_CONN_STATUS, data.remove(LIMIT_CONN_STATUS), defaults.limitConnectionStatus(), null,
                        problems),
                strictTransportSecurity(key, data, problems), hiddenHeaders(key, data.remove(HIDE_HEADERS), problems),
                bool(key, BACKEND_SERVER_HEADER, data.remove(BACKEND_SERVER_HEADER), false, problems),
                TlsPolicyKeys.protocols(key, data.remove(TlsPolicyKeys.PROTOCOLS), problems),
                TlsPolicyKeys.cipherSuites(key, data.remove(TlsPolicyKeys.CIPHERS), problems),
                compression(key, data, problems));
    }

    // limit-rate and limit-rate-after are bytes here (nginx's limit_rate at the http level) and kilobytes in
    // the annotations, whose defaults they are: a number of bytes becomes whole KiB (the smallest is 1); a size
    // with k, m or g means the same in both
    private static void rateDefaults(String key, Map<String, String> data, Map<String, String> defaults, List<Problem> problems) {
        for (String name : List.of(AnswerRateAnnotations.RATE, AnswerRateAnnotations.AFTER)) {
            String value = data.remove(name);
            if (value == null) {
                continue;
            }
            String written = value.trim();
            if (!written.matches("[0-9]{1,15}")) {
                defaults.put(name, written);  // what the annotation cannot read is reported as its default's
                continue;
            }
            long bytes = Long.parseLong(written);
            if (bytes == 0) {
                continue;  // nginx's default: no limit
            }
            long kilobytes = Math.max(1, (bytes + 512) / 1024);
            if (bytes % 1024 != 0) {
                problems.add(Problem.warning(KIND, key, field(name), "\"" + written + "\" bytes is taken as " + kilobytes
                        + " KiB (" + kilobytes * 1024 + " bytes), the unit of the limit-rate annotations"));
            }
            defaults.put(name, Long.toString(kilobytes));
        }
    }

    // use-gzip with gzip-level, gzip-min-length and gzip-types (ingress-nginx's defaults for those not set);
    // null when use-gzip is not on, the others then a WARNING each
    private static ResponseCompression compression(String key, Map<String, String> data, List<Problem> problems) {
        String on = data.remove(USE_GZIP);
        Map<String, String> companions = new LinkedHashMap<>();
        for (String name : List.of(GZIP_LEVEL, GZIP_MIN_LENGTH, GZIP_TYPES)) {
            String value = data.remove(name);
            if (value != null) {
                companions.put(name, value.trim());
            }
        }
        if (!bool(key, USE_GZIP, on, false, problems)) {
            for (String name : companions.keySet()) {
                problems.add(Problem.warning(KIND, key, field(name), "has no effect without use-gzip: \"true\""));
            }
            return null;
        }
        ResponseCompression defaults = ResponseCompression.DEFAULTS;
        int level = defaults.level();
        String levelText = companions.get(GZIP_LEVEL);
        if (levelText != null) {
            level = levelText.matches("[1-9]") ? Integer.parseInt(levelText) : -1;
            if (level < 0) {
                problems.add(Problem.warning(KIND, key, field(GZIP_LEVEL), "\"" + levelText + "\" is not a level from 1 to 9: "
                        + defaults.level() + " applies"));
                level = defaults.level();
            }
        }
        long minLength = defaults.minLength();
        String lengthText = companions.get(GZIP_MIN_LENGTH);
        if (lengthText != null) {
            minLength = lengthText.matches("[0-9]{1,18}") ? Long.parseLong(lengthText) : -1;
            if (minLength < 0) {
                problems.add(Problem.warning(KIND, key, field(GZIP_MIN_LENGTH), "\"" + lengthText + "\" is not a number of"
                        + " bytes: " + defaults.minLength() + " applies"));
                minLength = defaults.minLength();
            }
        }
        Set<String> types = defaults.types();
        String typesText = companions.get(GZIP_TYPES);
        if (typesText != null) {
            Set<String> read = new TreeSet<>();
            for (String type : typesText.split("\\s+")) {
                if (type.isEmpty()) {
                    continue;
                }
                if (!type.equals("*") && !type.matches("[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+")) {
                    problems.add(Problem.warning(KIND, key, field(GZIP_TYPES), "\"" + type + "\" is no media type; left out"));
                    continue;
                }
                read.add(type.toLowerCase(java.util.Locale.ROOT));
            }
            types = read;
        }
        return new ResponseCompression(level, minLength, types);
    }

    // hide-headers: comma-separated header names; one that is no name is a WARNING
    private static Set<String> hiddenHeaders(String key, String value, List<Problem> problems) {
        Set<String> hidden = new TreeSet<>();
        if (value == null) {
            return hidden;
        }
        for (String part : value.split(",")) {
            String name = part.trim();
            if (name.isEmpty()) {
                continue;
            }
            if (!CustomHeadersAnnotation.TOKEN.matcher(name).matches()) {
                problems.add(Problem.warning(KIND, key, field(HIDE_HEADERS), "\"" + name + "\" is no header name and is"
                        + " left out"));
                continue;
            }
            hidden.add(name.toLowerCase(java.util.Locale.ROOT));
        }
        return hidden;
    }

    // hsts, hsts-max-age, hsts-include-subdomains, hsts-preload: together, with ingress-nginx's defaults
    // for those not set (on, a year, subdomains, no preload); null when none is set
    private static String strictTransportSecurity(String key, Map<String, String> data, List<Problem> problems) {
        String on = data.remove(HSTS);
        String maxAge = data.remove(HSTS_MAX_AGE);
        String subdomains = data.remove(HSTS_INCLUDE_SUBDOMAINS);
        String preload = data.remove(HSTS_PRELOAD);
        if (on == null && maxAge == null && subdomains == null && preload == null) {
            return null;
        }
        if (!bool(key, HSTS, on, true, problems)) {
            return "";
        }
        long seconds = 31_536_000;
        if (maxAge != null) {
            try {
                seconds = Long.parseLong(maxAge.trim());
            } catch (NumberFormatException e) {
                seconds = -1;
            }
            if (seconds < 0) {
                problems.add(Problem.warning(KIND, key, field(HSTS_MAX_AGE), "\"" + maxAge + "\" is not a number of"
                        + " seconds: 31536000 applies"));
                seconds = 31_536_000;
            }
        }
        return "max-age=" + seconds + (bool(key, HSTS_INCLUDE_SUBDOMAINS, subdomains, true, problems) ? "; includeSubDomains" : "")
                + (bool(key, HSTS_PRELOAD, preload, false, problems) ? "; preload" : "");
    }

    // a boolean as ingress-nginx reads one; otherwise a WARNING and the default
    private static boolean bool(String key, String dataKey, String value, boolean byDefault, List<Problem> problems) {
        if (value == null) {
            return byDefault;
        }
        Boolean parsed = RouteAnnotations.parseBool(value.trim());
        if (parsed == null) {
            problems.add(Problem.warning(KIND, key, field(dataKey), "\"" + value + "\" is not \"true\" or \"false\": "
                    + byDefault + " applies"));
            return byDefault;
        }
        return parsed;
    }

    // a status code: one of allowed, or (allowed null) a 4xx or 5xx; otherwise a WARNING and the default
    private static int status(String key, String dataKey, String value, int byDefault, Set<Integer> allowed,
            List<Problem> problems) {
        if (value == null) {
            return byDefault;
        }
        int status = -1;
        try {
            status = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            // below
        }
        boolean ok = allowed != null ? allowed.contains(status) : status >= 400 && status <= 599;
        if (!ok) {
            problems.add(Problem.warning(KIND, key, field(dataKey), "\"" + value + "\" is not "
                    + (allowed != null ? "one of " + new TreeSet<>(allowed) : "a status from 400 to 599") + ": " + byDefault
                    + " applies"));
            return byDefault;
        }
        return status;
    }

    /** What it sets for the whole proxy. */
    ServerSettings serverSettings() {
        return serverSettings;
    }

    // block-cidrs: an entry that is no address is a WARNING and left out, the others refused
    private static ClientAccess blockedAddresses(String key, String value, List<Problem> problems) {
        if (value == null || value.isBlank()) {
            return ClientAccess.ANY;
        }
        List<String> bad = new ArrayList<>();
        List<String> found = new ArrayList<>();
        AddressRanges ranges = SourceRangeAnnotations.ranges(new RouteAnnotations.Named(BLOCK_CIDRS, value.trim()), bad, found);
        for (String sentence : found) {
            problems.add(Problem.warning(KIND, key, field(BLOCK_CIDRS), sentence));
        }
        if (!bad.isEmpty()) {
            problems.add(Problem.warning(KIND, key, field(BLOCK_CIDRS), "\"" + String.join("\", \"", bad) + "\""
                    + (bad.size() == 1 ? " is" : " are") + " no IP address or CIDR range and left out; the other entries"
                    + " are refused"));
        }
        return ranges.isEmpty() ? ClientAccess.ANY : ClientAccess.of(null, null, ranges, BLOCK_CIDRS);
    }

    // block-user-agents, block-referers: comma-separated; a regex that does not compile is a WARNING
    private static List<RequestBlocks.Entry> blockedValues(String key, String dataKey, String value, List<Problem> problems) {
        List<RequestBlocks.Entry> entries = new ArrayList<>();
        if (value == null) {
            return entries;
        }
        for (String part : value.split(",")) {
            String text = part.trim();
            if (text.isEmpty()) {
                continue;
            }
            try {
                entries.add(RequestBlocks.Entry.parse(text));
            } catch (IllegalArgumentException e) {
                problems.add(Problem.warning(KIND, key, field(dataKey), "\"" + text + "\" is no regular expression ("
                        + e.getMessage().lines().findFirst().orElse("") + ") and is left out"));
            }
        }
        return entries;
    }



    // the namespace/name the key named (read before it was removed from data)
    private static String configMapKey(String dataKey, ConfigMap controller) {
        return controller.data().get(dataKey).trim();
    }

    /**
     * The ConfigMaps ({@code namespace/name}) that {@code add-headers} and {@code proxy-set-headers}
     * of {@code controller} name, the ones a source must carry with it.
     */
    static Set<String> configMapsNamedBy(ConfigMap controller) {
        Set<String> named = new TreeSet<>();
        for (String dataKey : List.of(ADD_HEADERS, PROXY_SET_HEADERS)) {
            String value = controller.data().get(dataKey);
            if (value != null && RouteCompiler.isNamespacedName(value.trim())) {
                named.add(value.trim());
            }
        }
        return named;
    }

    // The entries of the ConfigMap named by dataKey's value that may be set, each refused one a WARNING
    private static Map<String, String> headers(String key, String dataKey, String value, ClusterState state,
            List<Problem> problems) {
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (value == null || value.isBlank()) {
            return headers;
        }
        String named = value.trim();
        if (!RouteCompiler.isNamespacedName(named)) {
            problems.add(Problem.warning(KIND, key, field(dataKey), "\"" + named + "\" is not namespace/name of a"
                    + " ConfigMap: no header is set"));
            return headers;
        }
        ConfigMap source = null;
        for (ConfigMap candidate : state.configMaps()) {
            if (candidate.key().equals(named)) {
                source = candidate;
            }
        }
        if (source == null) {
            problems.add(Problem.warning(KIND, key, field(dataKey), "names the ConfigMap " + named
                    + ", which does not exist; no header is set until it does"));
            return headers;
        }
        boolean upstream = dataKey.equals(PROXY_SET_HEADERS);
        for (Map.Entry<String, String> entry : new TreeMap<>(source.data()).entrySet()) {
            String name = entry.getKey();
            String headerValue = entry.getValue() == null ? "" : entry.getValue().strip();
            String refusal = headerRefusal(name, headerValue, upstream);
            if (refusal == null && headers.containsKey(name)) {
                refusal = "another key sets the same header (names are not case-sensitive)";
            }
            if (refusal != null) {
                problems.add(Problem.warning(KIND, key, field(dataKey), "ConfigMap " + named + " key \""
                        + name.replaceAll("\\p{Cntrl}", "?") + "\" " + refusal + "; that header is not set"));
                continue;
            }
            headers.put(name, headerValue);
        }
        return headers;
    }

    private static String headerRefusal(String name, String value, boolean upstream) {
        if (!CustomHeadersAnnotation.TOKEN.matcher(name).matches()) {
            return "is no header name (letters, digits and !#$%&'*+-.^_`|~ only)";
        }
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        if (upstream ? REFUSED_UPSTREAM.contains(lower) : CustomHeadersAnnotation.REFUSED.contains(lower)) {
            return "is a header the proxy writes itself, never set from a ConfigMap";
        }
        if (value.isEmpty()) {
            return "has an empty value";
        }
        if (value.indexOf('$') >= 0) {
            return "has a value with an nginx variable ($...), which Jingress does not expand";
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c > 0x7e) {
                return "has a value with a control or non-ASCII character at " + i;
            }
        }
        return null;
    }

    /** The controller's {@code add-headers}, or null. */
    ResponseHeaders addHeaders() {
        return addHeaders;
    }

    /** The controller's {@code proxy-set-headers}, or null. */
    RequestHeaders proxySetHeaders() {
        return proxySetHeaders;
    }

    /** Whether every Ingress gets headers from this ConfigMap, with or without annotations. */
    boolean setsHeaders() {
        return addHeaders != null || proxySetHeaders != null;
    }

    // ingress-nginx splits on commas and trims; a key set to "" lists none
    private static List<String> locations(String value) {
        if (value == null) {
            return ACME;
        }
        List<String> locations = new ArrayList<>();
        for (String location : value.split(",")) {
            if (!location.isBlank()) {
                locations.add(location.trim());
            }
        }
        return List.copyOf(locations);
    }

    // Each problem the annotations' own readers find in these values, once, on the key it names.
    private static void check(String key, Map<String, String> values, String keyPrefix, Backend serverDefault,
            List<Problem> problems) {
        if (values.isEmpty()) {
            return;
        }
        Map<String, String> annotations = asAnnotations(values);
        DefaultBackendAnnotations.Services services = serverDefault == null ? DefaultBackendAnnotations.Services.NONE
                : new DefaultBackendAnnotations.Services() {
                    @Override
                    public Backend firstPort(String name, StringBuilder why) {
                        return NONE.firstPort(name, why);
                    }

                    @Override
                    public Backend serverDefault() {
                        return serverDefault;
                    }
                };
        List<String> found = new ArrayList<>(RouteAnnotations.parse(annotations, BasicAuthAnnotations.Context.NONE, services)
                .problems());
        SslRedirectAnnotation.check(annotations, found);
        found.addAll(BalancerPolicy.problemsIn(annotations));
        for (String sentence : found) {
            String field = "data";
            for (String name : values.keySet()) {
                if (sentence.contains(NGINX_PREFIX + name + ":")) {
                    field = field(keyPrefix + name);
                }
            }
            String said = sentence.replace(NGINX_PREFIX, "");
            problems.add(Problem.warning(KIND, key, field, keyPrefix.isEmpty()
                    ? "as every Ingress's default: " + said
                    : "as the auth-* annotations of every Ingress without an auth-url of its own: " + said));
        }
    }

    private static Map<String, String> asAnnotations(Map<String, String> values) {
        Map<String, String> annotations = new LinkedHashMap<>();
        values.forEach((name, value) -> annotations.put(NGINX_PREFIX + name, value));
        return annotations;
    }

    static String field(String dataKey) {
        return "data[\"" + dataKey + "\"]";
    }

    /** {@code namespace/name} of the ConfigMap, or null when there is none. */
    String key() {
        return key;
    }

    /**
     * {@code ingress} with this ConfigMap's defaults among its annotations, and the global
     * authentication when it applies; the names added in {@code merged} (full annotation names),
     * so that what is wrong with them is not said again on the Ingress. A problem of the Ingress's
     * own {@code enable-global-auth} is added to {@code problems}.
     */
    Ingress apply(Ingress ingress, Set<String> merged, List<Problem> problems) {
        if (defaults.isEmpty() && globalAuth.isEmpty()) {
            return ingress;
        }
        Map<String, String> annotations = new LinkedHashMap<>(ingress.annotations());
        for (Map.Entry<String, String> entry : defaults.entrySet()) {
            String name = entry.getKey();
            if (!sets(annotations, name) && !(name.equals(SourceRangeAnnotations.WHITELIST)
                    && sets(annotations, SourceRangeAnnotations.ALLOWLIST))) {
                annotations.put(NGINX_PREFIX + name, entry.getValue());
                merged.add(NGINX_PREFIX + name);
            }
        }
        if (!globalAuth.isEmpty() && !sets(annotations, ExternalAuthAnnotations.URL)
                && globalAuthEnabled(ingress, problems)) {
            // the global authentication whole, as ingress-nginx applies it: the Ingress's own auth-X
            // (without an auth-url they did nothing) give way
            for (String name : GLOBAL_AUTH) {
                annotations.remove(OUR_PREFIX + name);
                annotations.remove(NGINX_PREFIX + name);
                String value = globalAuth.get(name);
                if (value != null) {
                    annotations.put(NGINX_PREFIX + name, value);
                    merged.add(NGINX_PREFIX + name);
                }
            }
        }
        return merged.isEmpty() ? ingress : new Ingress(ingress.namespace(), ingress.name(), ingress.uid(),
                ingress.creationTimestamp(), ingress.ingressClassName(), annotations, ingress.defaultBackend(), ingress.tls(),
                ingress.rules());
    }

    private static boolean globalAuthEnabled(Ingress ingress, List<Problem> problems) {
        RouteAnnotations.Named enable = RouteAnnotations.value(ingress.annotations(), ENABLE_GLOBAL_AUTH);
        if (enable == null) {
            return true;
        }
        Boolean on = RouteAnnotations.parseBool(enable.value());
        if (on == null) {
            problems.add(Problem.warning("Ingress", ingress.key(), "metadata.annotations", enable.quoted()
                    + " is not \"true\" or \"false\": the global authentication applies"));
            return true;
        }
        return on;
    }

    private static boolean sets(Map<String, String> annotations, String name) {
        return annotations.containsKey(NGINX_PREFIX + name) || annotations.containsKey(OUR_PREFIX + name);
    }

    /** Whether requests to the path {@code written} (as the Ingress writes it) skip the global authentication. */
    boolean skipsGlobalAuth(String written) {
        return listed(noAuthLocations, written);
    }

    /** Whether plain HTTP to the path {@code written} (as the Ingress writes it) is never redirected to HTTPS. */
    boolean skipsTlsRedirect(String written) {
        return listed(noTlsRedirectLocations, written);
    }

    /** Whether {@code merged} (from {@link #apply}) holds the global authentication. */
    static boolean hasGlobalAuth(Set<String> merged) {
        return merged.contains(NGINX_PREFIX + ExternalAuthAnnotations.URL);
    }

    /** The annotation names, without the global authentication's, of {@code annotations}. */
    static Map<String, String> withoutGlobalAuth(Map<String, String> annotations) {
        Map<String, String> without = new LinkedHashMap<>(annotations);
        for (String name : GLOBAL_AUTH) {
            without.remove(NGINX_PREFIX + name);
        }
        return without;
    }

    // ingress-nginx's isLocationInLocationList: a prefix of the path as written
    private static boolean listed(List<String> locations, String written) {
        for (String location : locations) {
            if (written.startsWith(location)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code sentence} (an annotation problem) names one of the annotations {@code merged} added. */
    static boolean namesMerged(String sentence, Set<String> merged) {
        for (String name : merged) {
            if (sentence.contains(name + ": \"")) {
                return true;
            }
        }
        return false;
    }

    /** The names read by this class, with both prefixes, for the annotation an Ingress may set. */
    static Set<String> readAnnotations() {
        return new TreeSet<>(List.of(NGINX_PREFIX + ENABLE_GLOBAL_AUTH, OUR_PREFIX + ENABLE_GLOBAL_AUTH));
    }
}
