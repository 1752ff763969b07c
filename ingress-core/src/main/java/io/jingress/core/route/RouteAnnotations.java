package io.jingress.core.route;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads an Ingress's {@link RoutePolicy} from its annotations. ingress-nginx's
 * {@code nginx.ingress.kubernetes.io/NAME} and our {@code jingress.io/NAME} are read alike, ours
 * winning when both are there; a value that is not understood gives a problem sentence naming the
 * annotation and its value, and that setting is left as the sentence says.
 */
final class RouteAnnotations {
    static final String NGINX_PREFIX = "nginx.ingress.kubernetes.io/";
    static final String OUR_PREFIX = "jingress.io/";

    // the names read, without prefix: each setting of RoutePolicy adds its own
    private static final List<String> NAMES = List.of(RedirectAnnotations.NAMES,
            List.of(SourceRangeAnnotations.ALLOWLIST, SourceRangeAnnotations.WHITELIST, SourceRangeAnnotations.DENYLIST),
            List.of(UpstreamTimeoutAnnotations.CONNECT, UpstreamTimeoutAnnotations.READ),
            List.of(BodySizeAnnotation.NAME),
            CorsAnnotations.NAMES,
            RegexAnnotations.NAMES,
            RateLimitAnnotations.NAMES,
            CanaryAnnotations.NAMES,
            HeaderAnnotations.NAMES,
            List.of(BackendProtocolAnnotation.NAME),
            ProxySslAnnotations.NAMES,
            HostAnnotations.NAMES,
            ExternalAuthAnnotations.NAMES,
            BasicAuthAnnotations.NAMES,
            DefaultBackendAnnotations.NAMES,
            SessionCookieAnnotations.NAMES,
            List.of(ForceSslRedirectAnnotation.NAME),
            NextUpstreamAnnotations.NAMES,
            List.of(ServiceUpstreamAnnotation.NAME),
            MirrorAnnotations.NAMES,
            List.of(SatisfyAnnotation.NAME),
            AnswerRateAnnotations.NAMES,
            CookieRewriteAnnotations.NAMES,
            CustomHeadersAnnotation.NAMES,
            AuthTlsAnnotations.NAMES,
            BufferAnnotations.NAMES,
            List.of(SslPassthroughAnnotation.NAME))  // read by the compiler (SslPassthroughHosts)
            .stream().flatMap(List::stream).toList();
    /** Every annotation read here, in both spellings. */
    static final Set<String> READ = read();

    private RouteAnnotations() {
    }

    /**
     * The policy and the problems found.
     *
     * @param policy what the Ingress's routes do
     * @param problems readable sentences, each naming the annotation and its value
     */
    record Parsed(RoutePolicy policy, List<String> problems) {
        Parsed {
            problems = List.copyOf(problems);
        }
    }

    static Parsed parse(Map<String, String> annotations) {
        return parse(annotations, BasicAuthAnnotations.Context.NONE, DefaultBackendAnnotations.Services.NONE);
    }

    /**
     * As {@link #parse(Map)}, with the Ingress's Secrets for {@code auth-secret} and
     * {@code proxy-ssl-secret}, and the Services {@code default-backend} names looked up in {@code services}.
     */
    static Parsed parse(Map<String, String> annotations, BasicAuthAnnotations.Context auth,
            DefaultBackendAnnotations.Services services) {
        List<String> problems = new ArrayList<>();
        RoutePolicy.Builder builder = new RoutePolicy.Builder();
        RedirectAnnotations.read(annotations, builder, problems);
        ClientAccess access = SourceRangeAnnotations.parse(annotations, problems);
        if (!access.isAny()) {
            builder.clientAccess(access);
        }
        UpstreamTimeoutAnnotations.read(annotations, builder, problems);
        BodySizeAnnotation.read(annotations, builder, problems);
        CorsAnnotations.read(annotations, builder, problems);
        RegexAnnotations.read(annotations, builder, problems);
        RateLimitAnnotations.read(annotations, builder, problems);
        HeaderAnnotations.read(annotations, builder, problems);
        BackendProtocol protocol = BackendProtocolAnnotation.read(annotations, builder, problems);
        ProxySslAnnotations.read(annotations, protocol, auth, builder, problems);
        HostAnnotations.read(annotations, builder, problems);
        ExternalAuthAnnotations.read(annotations, builder, problems);
        BasicAuthAnnotations.read(annotations, auth, builder, problems);
        DefaultBackendAnnotations.read(annotations, services, builder, problems);
        SessionCookieAnnotations.read(annotations, builder, problems);
        ForceSslRedirectAnnotation.read(annotations, builder, problems);
        NextUpstreamAnnotations.read(annotations, builder, problems);
        ServiceUpstreamAnnotation.read(annotations, builder, problems);
        MirrorAnnotations.read(annotations, builder, problems);
        SatisfyAnnotation.read(annotations, builder, problems);
        AnswerRateAnnotations.read(annotations, builder, problems);
        CookieRewriteAnnotations.read(annotations, builder, problems);
        CustomHeadersAnnotation.read(annotations, auth, builder, problems);
        AuthTlsAnnotations.read(annotations, auth, builder, problems);
        BufferAnnotations.read(annotations, problems);
        return new Parsed(builder.build(), problems);
    }

    /** The annotation {@code name} (without prefix) as set, ours first, and its full name; null if neither is. */
    static Named value(Map<String, String> annotations, String name) {
        String ours = annotations.get(OUR_PREFIX + name);
        if (ours != null) {
            return new Named(OUR_PREFIX + name, ours.trim());
        }
        String nginx = annotations.get(NGINX_PREFIX + name);
        return nginx == null ? null : new Named(NGINX_PREFIX + name, nginx.trim());
    }

    /** A boolean as Go's {@code strconv.ParseBool} (which ingress-nginx reads them with) reads one; null when it is none. */
    static Boolean parseBool(String text) {
        return switch (text) {
            case "1", "t", "T", "true", "TRUE", "True" -> Boolean.TRUE;
            case "0", "f", "F", "false", "FALSE", "False" -> Boolean.FALSE;
            default -> null;
        };
    }

    /** An annotation's full name and its value, trimmed. */
    record Named(String name, String value) {
        /** {@code name: "value"}, the way problems quote an annotation. */
        String quoted() {
            return name + ": \"" + value + "\"";
        }
    }

    private static Set<String> read() {
        Set<String> read = new HashSet<>();
        for (String name : NAMES) {
            read.add(NGINX_PREFIX + name);
            read.add(OUR_PREFIX + name);
        }
        return Set.copyOf(read);
    }
}
