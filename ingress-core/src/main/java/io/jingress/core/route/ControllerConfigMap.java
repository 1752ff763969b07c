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
    private static final List<String> ACME = List.of("/.well-known/acme-challenge");

    // the keys that are an annotation's default, under the annotation's own name
    static final List<String> DEFAULTS = List.of(
            BodySizeAnnotation.NAME, UpstreamTimeoutAnnotations.CONNECT, UpstreamTimeoutAnnotations.READ,
            BufferAnnotations.PROXY_BUFFERING, BufferAnnotations.BUFFER_SIZE, BufferAnnotations.BUFFERS_NUMBER,
            BufferAnnotations.REQUEST_BUFFERING, BufferAnnotations.CLIENT_BODY_BUFFER_SIZE, NextUpstreamAnnotations.CONDITIONS,
            NextUpstreamAnnotations.TIMEOUT, NextUpstreamAnnotations.TRIES,
            CookieRewriteAnnotations.PATH, CookieRewriteAnnotations.DOMAIN, HeaderAnnotations.PROXY_REDIRECT_FROM,
            HeaderAnnotations.PROXY_REDIRECT_TO, SslRedirectAnnotation.NAME, ForceSslRedirectAnnotation.NAME,
            SourceRangeAnnotations.WHITELIST, DefaultBackendAnnotations.CUSTOM_HTTP_ERRORS, "load-balance", ServiceUpstreamAnnotation.NAME);
    // global-auth-X is auth-X
    private static final List<String> GLOBAL_AUTH = List.of(ExternalAuthAnnotations.URL, ExternalAuthAnnotations.METHOD,
            ExternalAuthAnnotations.SIGNIN, ExternalAuthAnnotations.SIGNIN_REDIRECT_PARAM,
            ExternalAuthAnnotations.RESPONSE_HEADERS, ExternalAuthAnnotations.REQUEST_REDIRECT,
            ExternalAuthAnnotations.SNIPPET, ExternalAuthAnnotations.CACHE_KEY, ExternalAuthAnnotations.CACHE_DURATION,
            ExternalAuthAnnotations.ALWAYS_SET_COOKIE);
    private static final String GLOBAL = "global-";

    /** No ConfigMap: ingress-nginx's defaults for the locations lists, nothing else. */
    static final ControllerConfigMap NONE = new ControllerConfigMap(null, Map.of(), Map.of(), ACME, ACME);

    private final String key;  // namespace/name, or null
    private final Map<String, String> defaults;  // annotation name (without prefix) to value
    private final Map<String, String> globalAuth;  // annotation name (auth-url, ...) to value; empty: none
    private final List<String> noAuthLocations;
    private final List<String> noTlsRedirectLocations;

    private ControllerConfigMap(String key, Map<String, String> defaults, Map<String, String> globalAuth,
            List<String> noAuthLocations, List<String> noTlsRedirectLocations) {
        this.key = key;
        this.defaults = defaults;
        this.globalAuth = globalAuth;
        this.noAuthLocations = noAuthLocations;
        this.noTlsRedirectLocations = noTlsRedirectLocations;
    }

    /**
     * The ConfigMap {@code key} ({@code namespace/name}) of {@code state} read; {@link #NONE} when
     * {@code key} is null, or (with a WARNING) when the state has no such ConfigMap.
     */
    static ControllerConfigMap read(String key, ClusterState state, List<Problem> problems) {
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
        check(key, defaults, "", problems);
        check(key, globalAuth, GLOBAL, problems);
        if (!data.isEmpty()) {
            problems.add(Problem.warning(KIND, key, "data", "not read by Jingress, so without effect: "
                    + String.join(", ", data.keySet())));
        }
        return new ControllerConfigMap(key, Map.copyOf(defaults), Map.copyOf(globalAuth), noAuth, noTlsRedirect);
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
    private static void check(String key, Map<String, String> values, String keyPrefix, List<Problem> problems) {
        if (values.isEmpty()) {
            return;
        }
        Map<String, String> annotations = asAnnotations(values);
        List<String> found = new ArrayList<>(RouteAnnotations.parse(annotations).problems());
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

    private static String field(String dataKey) {
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
