package io.jingress.k8s.internal.translate;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendObjectReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCHeaderMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCMethodMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeader;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPPathModifier;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPQueryParamMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRequestMirrorFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteTimeouts;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrantFrom;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrantSpec;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrantTo;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteGroupKind;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.SecretObjectReference;
import io.jingress.core.model.Gateway;
import io.jingress.core.model.GatewayClass;
import io.jingress.core.model.GrpcRoute;
import io.jingress.core.model.GrpcRouteMatch;
import io.jingress.core.model.GrpcRouteRule;
import io.jingress.core.model.HttpBackendRef;
import io.jingress.core.model.HttpRoute;
import io.jingress.core.model.HttpRouteFilter;
import io.jingress.core.model.HttpRouteMatch;
import io.jingress.core.model.ReferenceGrant;
import io.jingress.core.model.BackendTlsPolicy;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Translates the Gateway API kinds fabric8 reads ({@code gateway.networking.k8s.io/v1} GatewayClass,
 * Gateway, HTTPRoute, GRPCRoute, BackendTLSPolicy; ReferenceGrant in {@code v1beta1} or {@code v1}) into the core model. Values are
 * carried as written: the route compiler checks them and names the field of a bad one.
 */
public final class GatewayTranslator {

    private GatewayTranslator() {
    }

    /** Whether {@code object} is one of the Gateway API kinds read. */
    public static boolean isGatewayKind(HasMetadata object) {
        return object instanceof io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass
                || object instanceof io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway
                || object instanceof io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute
                || object instanceof io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute
                || object instanceof io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicy
                || object instanceof io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant
                || object instanceof io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrant;
    }

    /** A GatewayClass (cluster-scoped). */
    public static GatewayClass toGatewayClass(io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass source)
            throws TranslationException {
        String name = KubeTranslator.name("GatewayClass", source);
        String controller = source.getSpec() == null ? null : source.getSpec().getControllerName();
        return new GatewayClass(name, controller == null ? "" : controller);
    }

    /** A Gateway: its class and listeners. */
    public static Gateway toGateway(io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway source) throws TranslationException {
        String kind = "Gateway";
        String namespace = KubeTranslator.namespace(source);
        String name = KubeTranslator.name(kind, source);
        if (source.getSpec() == null || source.getSpec().getGatewayClassName() == null) {
            throw TranslationException.of(kind, namespace + "/" + name, "spec.gatewayClassName", "required");
        }
        List<Gateway.Listener> listeners = new ArrayList<>();
        List<Listener> sourceListeners = nonNull(source.getSpec().getListeners());
        for (int i = 0; i < sourceListeners.size(); i++) {
            Listener listener = sourceListeners.get(i);
            String field = "spec.listeners[" + i + "]";
            if (listener.getName() == null || listener.getProtocol() == null || listener.getPort() == null) {
                throw TranslationException.of(kind, namespace + "/" + name, field, "name, port and protocol are required");
            }
            List<Gateway.SecretRef> certificates = new ArrayList<>();
            if (listener.getTls() != null) {
                for (SecretObjectReference ref : nonNull(listener.getTls().getCertificateRefs())) {
                    if ((ref.getGroup() == null || ref.getGroup().isEmpty())
                            && (ref.getKind() == null || ref.getKind().equals("Secret")) && ref.getName() != null) {
                        certificates.add(new Gateway.SecretRef(ref.getNamespace(), ref.getName()));
                    }
                }
            }
            String from = listener.getAllowedRoutes() == null || listener.getAllowedRoutes().getNamespaces() == null ? null
                    : listener.getAllowedRoutes().getNamespaces().getFrom();
            List<String> kinds = new ArrayList<>();
            if (listener.getAllowedRoutes() != null) {
                for (RouteGroupKind routeKind : nonNull(listener.getAllowedRoutes().getKinds())) {
                    String group = routeKind.getGroup() == null ? "gateway.networking.k8s.io" : routeKind.getGroup();
                    kinds.add(group + "/" + Objects.requireNonNullElse(routeKind.getKind(), ""));
                }
            }
            listeners.add(new Gateway.Listener(listener.getName(), listener.getHostname(), listener.getPort(),
                    listener.getProtocol(), certificates, from, kinds));
        }
        Gateway.SecretRef clientCertificate = null;
        var tls = source.getSpec().getTls();
        if (tls != null && tls.getBackend() != null && tls.getBackend().getClientCertificateRef() != null) {
            var ref = tls.getBackend().getClientCertificateRef();
            required(kind, namespace + "/" + name, "spec.tls.backend.clientCertificateRef.name", ref.getName());
            clientCertificate = new Gateway.SecretRef(ref.getNamespace(), ref.getName());
        }
        return new Gateway(namespace, name, source.getSpec().getGatewayClassName(), listeners, clientCertificate);
    }

    /** An HTTPRoute. */
    public static HttpRoute toHttpRoute(io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute source)
            throws TranslationException {
        String kind = HttpRoute.KIND;
        String namespace = KubeTranslator.namespace(source);
        String name = KubeTranslator.name(kind, source);
        String key = namespace + "/" + name;
        var created = KubeTranslator.creationTimestamp(kind, key, source.getMetadata());
        if (source.getSpec() == null) {
            return new HttpRoute(namespace, name, created, List.of(), List.of(), List.of());
        }
        List<HttpRoute.ParentRef> parents = parents(kind, key, source.getSpec().getParentRefs());
        List<io.jingress.core.model.HttpRouteRule> rules = new ArrayList<>();
        List<HTTPRouteRule> sourceRules = nonNull(source.getSpec().getRules());
        for (int r = 0; r < sourceRules.size(); r++) {
            rules.add(rule(kind, key, "spec.rules[" + r + "]", sourceRules.get(r)));
        }
        return new HttpRoute(namespace, name, created, parents, nonNull(source.getSpec().getHostnames()), rules);
    }

    /** A GRPCRoute. */
    public static GrpcRoute toGrpcRoute(io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute source)
            throws TranslationException {
        String kind = GrpcRoute.KIND;
        String namespace = KubeTranslator.namespace(source);
        String name = KubeTranslator.name(kind, source);
        String key = namespace + "/" + name;
        var created = KubeTranslator.creationTimestamp(kind, key, source.getMetadata());
        if (source.getSpec() == null) {
            return new GrpcRoute(namespace, name, created, List.of(), List.of(), List.of());
        }
        List<HttpRoute.ParentRef> parents = parents(kind, key, source.getSpec().getParentRefs());
        List<GrpcRouteRule> rules = new ArrayList<>();
        List<GRPCRouteRule> sourceRules = nonNull(source.getSpec().getRules());
        for (int r = 0; r < sourceRules.size(); r++) {
            String field = "spec.rules[" + r + "]";
            GRPCRouteRule rule = sourceRules.get(r);
            List<GrpcRouteMatch> matches = new ArrayList<>();
            for (GRPCRouteMatch match : nonNull(rule.getMatches())) {
                List<HttpRouteMatch.Header> headers = new ArrayList<>();
                for (GRPCHeaderMatch header : nonNull(match.getHeaders())) {
                    headers.add(new HttpRouteMatch.Header(header.getType(), Objects.requireNonNullElse(header.getName(), ""),
                            Objects.requireNonNullElse(header.getValue(), "")));
                }
                GRPCMethodMatch method = match.getMethod();
                matches.add(new GrpcRouteMatch(method == null ? null
                        : new GrpcRouteMatch.Method(method.getType(), method.getService(), method.getMethod()), headers));
            }
            Each<GRPCRouteFilter, HttpRouteFilter> filter = (at, f) -> grpcFilter(kind, key, at, f);
            List<HttpBackendRef> backends = new ArrayList<>();
            List<GRPCBackendRef> sourceBackends = nonNull(rule.getBackendRefs());
            for (int b = 0; b < sourceBackends.size(); b++) {
                GRPCBackendRef ref = sourceBackends.get(b);
                String at = field + ".backendRefs[" + b + "]";
                required(kind, key, at + ".name", ref.getName());
                backends.add(new HttpBackendRef(ref.getGroup(), ref.getKind(), ref.getNamespace(), ref.getName(),
                        ref.getPort(), ref.getWeight(), each(at + ".filters", ref.getFilters(), filter)));
            }
            rules.add(new GrpcRouteRule(matches, each(field + ".filters", rule.getFilters(), filter), backends,
                    rule.getSessionPersistence() == null ? List.of() : List.of("sessionPersistence")));
        }
        return new GrpcRoute(namespace, name, created, parents, nonNull(source.getSpec().getHostnames()), rules);
    }

    // spec.parentRefs: the Gateways among them (a Service, for a mesh, or another kind is left out)
    private static List<HttpRoute.ParentRef> parents(String kind, String key, List<ParentReference> sourceParents)
            throws TranslationException {
        List<HttpRoute.ParentRef> parents = new ArrayList<>();
        sourceParents = nonNull(sourceParents);
        for (int i = 0; i < sourceParents.size(); i++) {
            ParentReference ref = sourceParents.get(i);
            boolean gateway = (ref.getGroup() == null || ref.getGroup().equals("gateway.networking.k8s.io"))
                    && (ref.getKind() == null || ref.getKind().equals("Gateway"));
            if (!gateway) {
                continue;  // a Service (mesh) or another kind of parent: not a Gateway's route
            }
            if (ref.getName() == null) {
                throw TranslationException.of(kind, key, "spec.parentRefs[" + i + "].name", "required");
            }
            parents.add(new HttpRoute.ParentRef(ref.getNamespace(), ref.getName(), ref.getSectionName(), ref.getPort()));
        }
        return parents;
    }

    private static io.jingress.core.model.HttpRouteRule rule(String kind, String key, String field, HTTPRouteRule rule)
            throws TranslationException {
        List<HttpRouteMatch> matches = new ArrayList<>();
        for (HTTPRouteMatch match : nonNull(rule.getMatches())) {
            List<HttpRouteMatch.Header> headers = new ArrayList<>();
            for (HTTPHeaderMatch header : nonNull(match.getHeaders())) {
                headers.add(new HttpRouteMatch.Header(header.getType(), Objects.requireNonNullElse(header.getName(), ""),
                        Objects.requireNonNullElse(header.getValue(), "")));
            }
            List<HttpRouteMatch.Header> params = new ArrayList<>();
            for (HTTPQueryParamMatch param : nonNull(match.getQueryParams())) {
                params.add(new HttpRouteMatch.Header(param.getType(), Objects.requireNonNullElse(param.getName(), ""),
                        Objects.requireNonNullElse(param.getValue(), "")));
            }
            HttpRouteMatch.Path path = match.getPath() == null ? null
                    : new HttpRouteMatch.Path(match.getPath().getType(), match.getPath().getValue());
            matches.add(new HttpRouteMatch(path, headers, params, match.getMethod()));
        }
        Each<HTTPRouteFilter, HttpRouteFilter> filter = (at, f) -> filter(kind, key, at, f);
        List<HttpBackendRef> backends = new ArrayList<>();
        List<HTTPBackendRef> sourceBackends = nonNull(rule.getBackendRefs());
        for (int b = 0; b < sourceBackends.size(); b++) {
            HTTPBackendRef ref = sourceBackends.get(b);
            String at = field + ".backendRefs[" + b + "]";
            required(kind, key, at + ".name", ref.getName());
            backends.add(new HttpBackendRef(ref.getGroup(), ref.getKind(), ref.getNamespace(), ref.getName(), ref.getPort(),
                    ref.getWeight(), each(at + ".filters", ref.getFilters(), filter)));
        }
        List<String> unserved = new ArrayList<>();
        HTTPRouteTimeouts timeouts = rule.getTimeouts();
        io.jingress.core.model.HttpRouteRule.Timeouts served = timeouts == null
                || (timeouts.getRequest() == null && timeouts.getBackendRequest() == null) ? null
                : new io.jingress.core.model.HttpRouteRule.Timeouts(timeouts.getRequest(), timeouts.getBackendRequest());
        io.jingress.core.model.HttpRouteRule.Retry retry = rule.getRetry() == null ? null
                : new io.jingress.core.model.HttpRouteRule.Retry(rule.getRetry().getCodes(), rule.getRetry().getAttempts(),
                        rule.getRetry().getBackoff());
        io.fabric8.kubernetes.api.model.gatewayapi.v1.SessionPersistence session = rule.getSessionPersistence();
        io.jingress.core.model.HttpRouteRule.SessionPersistence sessionPersistence = session == null ? null
                : new io.jingress.core.model.HttpRouteRule.SessionPersistence(session.getSessionName(), session.getType(),
                        session.getAbsoluteTimeout(),
                        session.getCookieConfig() == null ? null : session.getCookieConfig().getLifetimeType());
        return new io.jingress.core.model.HttpRouteRule(matches, each(field + ".filters", rule.getFilters(), filter), backends,
                served, retry, sessionPersistence, unserved);
    }

    /** Translates one entry of a list, named by its field ({@code spec.rules[0].filters[1]}). */
    @FunctionalInterface
    private interface Each<S, T> {
        T apply(String field, S source) throws TranslationException;
    }

    // every entry of the list `field`, translated
    private static <S, T> List<T> each(String field, List<S> source, Each<S, T> translate) throws TranslationException {
        List<T> out = new ArrayList<>();
        List<S> entries = nonNull(source);
        for (int i = 0; i < entries.size(); i++) {
            out.add(translate.apply(field + "[" + i + "]", entries.get(i)));
        }
        return out;
    }

    private static void required(String kind, String key, String field, Object value) throws TranslationException {
        if (value == null) {
            throw TranslationException.of(kind, key, field, "required");
        }
    }

    private static HttpRouteFilter filter(String kind, String key, String field, HTTPRouteFilter filter)
            throws TranslationException {
        String type = filter.getType();
        if (type == null) {
            throw TranslationException.of(kind, key, field + ".type", "required");
        }
        return switch (type) {
            case HttpRouteFilter.REQUEST_REDIRECT -> new HttpRouteFilter(type, null, null, filter.getRequestRedirect() == null
                    ? null : new HttpRouteFilter.Redirect(filter.getRequestRedirect().getScheme(),
                            filter.getRequestRedirect().getHostname(), path(filter.getRequestRedirect().getPath()),
                            filter.getRequestRedirect().getPort(), filter.getRequestRedirect().getStatusCode()), null, null);
            case HttpRouteFilter.URL_REWRITE -> new HttpRouteFilter(type, null, null, null, filter.getUrlRewrite() == null
                    ? null : new HttpRouteFilter.Rewrite(filter.getUrlRewrite().getHostname(), path(filter.getUrlRewrite().getPath())),
                    null);
            case HttpRouteFilter.CORS -> filter.getCors() == null ? HttpRouteFilter.other(type)
                    : HttpRouteFilter.cors(new HttpRouteFilter.Cors(filter.getCors().getAllowOrigins(),
                            filter.getCors().getAllowCredentials(), filter.getCors().getAllowMethods(),
                            filter.getCors().getAllowHeaders(), filter.getCors().getExposeHeaders(), filter.getCors().getMaxAge()));
            case HttpRouteFilter.EXTERNAL_AUTH -> filter.getExternalAuth() == null ? HttpRouteFilter.other(type)
                    : HttpRouteFilter.externalAuth(externalAuth(kind, key, field + ".externalAuth", filter.getExternalAuth()));
            default -> shared(type, filter.getRequestHeaderModifier(), filter.getResponseHeaderModifier(),
                    filter.getRequestMirror());
        };
    }

    private static HttpRouteFilter.ExternalAuth externalAuth(String kind, String key, String field,
            io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPExternalAuthFilter auth) throws TranslationException {
        required(kind, key, field + ".protocol", auth.getProtocol());
        BackendObjectReference ref = auth.getBackendRef();
        required(kind, key, field + ".backendRef", ref);
        required(kind, key, field + ".backendRef.name", ref.getName());
        var http = auth.getHttp();
        List<String> allowedHeaders = http != null ? nonNull(http.getAllowedHeaders())
                : auth.getGrpc() != null ? nonNull(auth.getGrpc().getAllowedHeaders()) : List.of();
        return new HttpRouteFilter.ExternalAuth(auth.getProtocol(), mirror(ref), http == null ? null : http.getPath(),
                allowedHeaders, http == null ? List.of() : nonNull(http.getAllowedResponseHeaders()),
                auth.getForwardBody() == null ? null : auth.getForwardBody().getMaxSize());
    }

    // a GRPCRoute's filter: the kinds an HTTPRoute has too (the compiler refuses the others by type)
    private static HttpRouteFilter grpcFilter(String kind, String key, String field, GRPCRouteFilter filter)
            throws TranslationException {
        required(kind, key, field + ".type", filter.getType());
        return shared(filter.getType(), filter.getRequestHeaderModifier(), filter.getResponseHeaderModifier(),
                filter.getRequestMirror());
    }

    // the filters of both route kinds: header modifiers and the mirror; any other type carried by name
    private static HttpRouteFilter shared(String type, HTTPHeaderFilter requestHeaders, HTTPHeaderFilter responseHeaders,
            HTTPRequestMirrorFilter mirror) {
        return switch (type) {
            case HttpRouteFilter.REQUEST_HEADER_MODIFIER -> new HttpRouteFilter(type, headers(requestHeaders), null, null, null,
                    null);
            case HttpRouteFilter.RESPONSE_HEADER_MODIFIER -> new HttpRouteFilter(type, null, headers(responseHeaders), null,
                    null, null);
            case HttpRouteFilter.REQUEST_MIRROR -> new HttpRouteFilter(type, null, null, null, null,
                    mirror == null || mirror.getBackendRef() == null || mirror.getBackendRef().getName() == null ? null
                            : mirror(mirror.getBackendRef()));
            default -> HttpRouteFilter.other(type);
        };
    }

    // a mirror's or an auth service's backendRef
    private static HttpBackendRef mirror(BackendObjectReference ref) {
        return new HttpBackendRef(ref.getGroup(), ref.getKind(), ref.getNamespace(), ref.getName(), ref.getPort(), 1, List.of());
    }

    private static HttpRouteFilter.HeaderModifier headers(HTTPHeaderFilter filter) {
        if (filter == null) {
            return null;
        }
        return new HttpRouteFilter.HeaderModifier(pairs(filter.getSet()), pairs(filter.getAdd()), nonNull(filter.getRemove()));
    }

    private static List<HttpRouteFilter.Header> pairs(List<HTTPHeader> headers) {
        List<HttpRouteFilter.Header> out = new ArrayList<>();
        for (HTTPHeader header : nonNull(headers)) {
            out.add(new HttpRouteFilter.Header(Objects.requireNonNullElse(header.getName(), ""),
                    Objects.requireNonNullElse(header.getValue(), "")));
        }
        return out;
    }

    private static HttpRouteFilter.PathModifier path(HTTPPathModifier path) {
        if (path == null || path.getType() == null) {
            return null;
        }
        String value = HttpRouteFilter.REPLACE_FULL_PATH.equals(path.getType()) ? path.getReplaceFullPath()
                : path.getReplacePrefixMatch();
        return new HttpRouteFilter.PathModifier(path.getType(), value == null ? "/" : value);
    }

    /** A BackendTLSPolicy ({@code v1}). */
    public static BackendTlsPolicy toBackendTlsPolicy(io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicy source)
            throws TranslationException {
        String kind = BackendTlsPolicy.KIND;
        String namespace = KubeTranslator.namespace(source);
        String name = KubeTranslator.name(kind, source);
        String key = namespace + "/" + name;
        var created = KubeTranslator.creationTimestamp(kind, key, source.getMetadata());
        var spec = source.getSpec();
        required(kind, key, "spec", spec);
        List<BackendTlsPolicy.TargetRef> targets = each("spec.targetRefs", spec.getTargetRefs(), (at, ref) -> {
            required(kind, key, at + ".kind", ref.getKind());
            required(kind, key, at + ".name", ref.getName());
            return new BackendTlsPolicy.TargetRef(ref.getGroup(), ref.getKind(), ref.getName(), ref.getSectionName());
        });
        var validation = spec.getValidation();
        required(kind, key, "spec.validation", validation);
        List<BackendTlsPolicy.LocalRef> refs = each("spec.validation.caCertificateRefs", validation.getCaCertificateRefs(),
                (at, ref) -> {
                    required(kind, key, at + ".kind", ref.getKind());
                    required(kind, key, at + ".name", ref.getName());
                    return new BackendTlsPolicy.LocalRef(ref.getGroup(), ref.getKind(), ref.getName());
                });
        List<BackendTlsPolicy.SubjectAltName> names = each("spec.validation.subjectAltNames", validation.getSubjectAltNames(),
                (at, san) -> {
                    required(kind, key, at + ".type", san.getType());
                    return new BackendTlsPolicy.SubjectAltName(san.getType(), san.getHostname(), san.getUri());
                });
        return new BackendTlsPolicy(namespace, name, created, targets, refs, validation.getWellKnownCACertificates(),
                validation.getHostname(), names, spec.getOptions());
    }

    /** A ReferenceGrant, {@code v1beta1} or {@code v1}. */
    public static ReferenceGrant toReferenceGrant(HasMetadata source) throws TranslationException {
        String kind = "ReferenceGrant";
        String namespace = KubeTranslator.namespace(source);
        String name = KubeTranslator.name(kind, source);
        ReferenceGrantSpec spec = source instanceof io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant beta
                ? beta.getSpec() : ((io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrant) source).getSpec();
        List<ReferenceGrant.From> from = new ArrayList<>();
        List<ReferenceGrant.To> to = new ArrayList<>();
        if (spec != null) {
            for (ReferenceGrantFrom f : nonNull(spec.getFrom())) {
                if (f.getKind() != null && f.getNamespace() != null) {
                    from.add(new ReferenceGrant.From(f.getGroup(), f.getKind(), f.getNamespace()));
                }
            }
            for (ReferenceGrantTo t : nonNull(spec.getTo())) {
                if (t.getKind() != null) {
                    to.add(new ReferenceGrant.To(t.getGroup(), t.getKind(), t.getName()));
                }
            }
        }
        return new ReferenceGrant(namespace, name, from, to);
    }

    private static <T> List<T> nonNull(List<T> list) {
        return list == null ? List.of() : list;
    }
}
