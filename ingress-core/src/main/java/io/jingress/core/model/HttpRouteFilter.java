package io.jingress.core.model;

import java.util.List;
import java.util.Objects;

/**
 * One {@code filters} entry of an {@link HttpRouteRule}. {@link #type()} says which of the other
 * fields is set; a type Jingress does not serve ({@code ExtensionRef}, ...) is carried with its name
 * so that the compiler can report it.
 *
 * @param type {@code type}, as written
 * @param requestHeaderModifier set for {@link #REQUEST_HEADER_MODIFIER}
 * @param responseHeaderModifier set for {@link #RESPONSE_HEADER_MODIFIER}
 * @param requestRedirect set for {@link #REQUEST_REDIRECT}
 * @param urlRewrite set for {@link #URL_REWRITE}
 * @param requestMirror set for {@link #REQUEST_MIRROR}: the backend the copies go to
 * @param cors set for {@link #CORS}
 * @param externalAuth set for {@link #EXTERNAL_AUTH}
 */
public record HttpRouteFilter(String type, HeaderModifier requestHeaderModifier, HeaderModifier responseHeaderModifier,
        Redirect requestRedirect, Rewrite urlRewrite, HttpBackendRef requestMirror, Cors cors, ExternalAuth externalAuth) {
    public static final String REQUEST_HEADER_MODIFIER = "RequestHeaderModifier";
    public static final String RESPONSE_HEADER_MODIFIER = "ResponseHeaderModifier";
    public static final String REQUEST_REDIRECT = "RequestRedirect";
    public static final String URL_REWRITE = "URLRewrite";
    public static final String REQUEST_MIRROR = "RequestMirror";
    public static final String CORS = "CORS";
    public static final String EXTERNAL_AUTH = "ExternalAuth";
    /** {@code ReplaceFullPath}: the whole path is replaced. */
    public static final String REPLACE_FULL_PATH = "ReplaceFullPath";
    /** {@code ReplacePrefixMatch}: the matched PathPrefix is replaced, the rest kept. */
    public static final String REPLACE_PREFIX_MATCH = "ReplacePrefixMatch";

    public HttpRouteFilter {
        Objects.requireNonNull(type, "type");
    }

    /** A filter of any type but {@link #EXTERNAL_AUTH}. */
    public HttpRouteFilter(String type, HeaderModifier requestHeaderModifier, HeaderModifier responseHeaderModifier,
            Redirect requestRedirect, Rewrite urlRewrite, HttpBackendRef requestMirror, Cors cors) {
        this(type, requestHeaderModifier, responseHeaderModifier, requestRedirect, urlRewrite, requestMirror, cors, null);
    }

    /** A filter of any type but {@link #CORS} and {@link #EXTERNAL_AUTH}. */
    public HttpRouteFilter(String type, HeaderModifier requestHeaderModifier, HeaderModifier responseHeaderModifier,
            Redirect requestRedirect, Rewrite urlRewrite, HttpBackendRef requestMirror) {
        this(type, requestHeaderModifier, responseHeaderModifier, requestRedirect, urlRewrite, requestMirror, null, null);
    }

    public static HttpRouteFilter cors(Cors cors) {
        return new HttpRouteFilter(CORS, null, null, null, null, null, Objects.requireNonNull(cors, "cors"));
    }

    public static HttpRouteFilter externalAuth(ExternalAuth externalAuth) {
        return new HttpRouteFilter(EXTERNAL_AUTH, null, null, null, null, null, null,
                Objects.requireNonNull(externalAuth, "externalAuth"));
    }

    public static HttpRouteFilter requestHeaders(HeaderModifier modifier) {
        return new HttpRouteFilter(REQUEST_HEADER_MODIFIER, Objects.requireNonNull(modifier, "modifier"), null, null, null, null);
    }

    public static HttpRouteFilter responseHeaders(HeaderModifier modifier) {
        return new HttpRouteFilter(RESPONSE_HEADER_MODIFIER, null, Objects.requireNonNull(modifier, "modifier"), null, null, null);
    }

    public static HttpRouteFilter redirect(Redirect redirect) {
        return new HttpRouteFilter(REQUEST_REDIRECT, null, null, Objects.requireNonNull(redirect, "redirect"), null, null);
    }

    public static HttpRouteFilter rewrite(Rewrite rewrite) {
        return new HttpRouteFilter(URL_REWRITE, null, null, null, Objects.requireNonNull(rewrite, "rewrite"), null);
    }

    public static HttpRouteFilter mirror(HttpBackendRef backend) {
        return new HttpRouteFilter(REQUEST_MIRROR, null, null, null, null, Objects.requireNonNull(backend, "backend"));
    }

    /** A filter of a type carried by name only (for the compiler to report). */
    public static HttpRouteFilter other(String type) {
        return new HttpRouteFilter(type, null, null, null, null, null);
    }

    /** A header name and value. */
    public record Header(String name, String value) {
        public Header {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
        }
    }

    /**
     * {@code set} (replace), {@code add} (append) and {@code remove} of headers, names compared without case.
     */
    public record HeaderModifier(List<Header> set, List<Header> add, List<String> remove) {
        public HeaderModifier {
            set = set == null ? List.of() : List.copyOf(set);
            add = add == null ? List.of() : List.copyOf(add);
            remove = remove == null ? List.of() : List.copyOf(remove);
        }
    }

    /**
     * A path modifier of a redirect or rewrite.
     *
     * @param type {@link #REPLACE_FULL_PATH} or {@link #REPLACE_PREFIX_MATCH}
     * @param value {@code replaceFullPath} or {@code replacePrefixMatch}
     */
    public record PathModifier(String type, String value) {
        public PathModifier {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(value, "value");
        }
    }

    /**
     * {@code requestRedirect}; a field left {@code null} keeps the request's.
     *
     * @param scheme {@code http} or {@code https}
     * @param hostname the host of the Location
     * @param path how the path changes
     * @param port the port of the Location
     * @param statusCode 301 or 302; {@code null} means 302
     */
    public record Redirect(String scheme, String hostname, PathModifier path, Integer port, Integer statusCode) {
    }

    /**
     * {@code urlRewrite}; a field left {@code null} keeps the request's.
     *
     * @param hostname the Host sent upstream
     * @param path how the path sent upstream changes
     */
    public record Rewrite(String hostname, PathModifier path) {
    }

    /**
     * A {@code CORS} filter's {@code cors}, as written; lists never null. {@code *} alone in a list
     * allows any (origin, method, header).
     *
     * @param allowOrigins {@code allowOrigins}: {@code scheme://host[:port]}, the host's first label
     *     may be {@code *}
     * @param allowCredentials {@code allowCredentials}; null: false
     * @param allowMethods {@code allowMethods}
     * @param allowHeaders {@code allowHeaders}
     * @param exposeHeaders {@code exposeHeaders}
     * @param maxAge {@code maxAge}, seconds; null: 5
     */
    public record Cors(List<String> allowOrigins, Boolean allowCredentials, List<String> allowMethods, List<String> allowHeaders,
            List<String> exposeHeaders, Integer maxAge) {
        public Cors {
            allowOrigins = allowOrigins == null ? List.of() : List.copyOf(allowOrigins);
            allowMethods = allowMethods == null ? List.of() : List.copyOf(allowMethods);
            allowHeaders = allowHeaders == null ? List.of() : List.copyOf(allowHeaders);
            exposeHeaders = exposeHeaders == null ? List.of() : List.copyOf(exposeHeaders);
        }
    }

    /**
     * An {@code ExternalAuth} filter's {@code externalAuth}, as written; lists never null. Before a
     * request goes on, the auth service is asked; only its 200 lets the request through.
     *
     * @param protocol {@code HTTP} or {@code GRPC} (Envoy's ext_authz over gRPC)
     * @param backendRef the auth service: a Service and port
     * @param path {@code http.path}: a prefix added to the request's path for the auth service; null: none
     * @param allowedHeaders {@code http.allowedHeaders} (or {@code grpc.allowedHeaders}): the client's
     *     headers sent besides Host, Authorization and Content-Length
     * @param allowedResponseHeaders {@code http.allowedResponseHeaders}: the auth answer's headers copied
     *     into the request sent on; empty: all of them but Host and framing
     * @param forwardBodyMaxSize {@code forwardBody.maxSize}; null or 0: the body is not sent
     */
    public record ExternalAuth(String protocol, HttpBackendRef backendRef, String path, List<String> allowedHeaders,
            List<String> allowedResponseHeaders, Integer forwardBodyMaxSize) {
        public ExternalAuth {
            Objects.requireNonNull(protocol, "protocol");
            Objects.requireNonNull(backendRef, "backendRef");
            path = path == null || path.isEmpty() ? null : path;
            allowedHeaders = allowedHeaders == null ? List.of() : List.copyOf(allowedHeaders);
            allowedResponseHeaders = allowedResponseHeaders == null ? List.of() : List.copyOf(allowedResponseHeaders);
        }

        /** An {@code HTTP} auth service at {@code backendRef}, asked at {@code path} + the request's path. */
        public static ExternalAuth http(HttpBackendRef backendRef, String path) {
            return new ExternalAuth("HTTP", backendRef, path, List.of(), List.of(), null);
        }

        /** This, sending also the client's {@code headers}. */
        public ExternalAuth withAllowedHeaders(String... headers) {
            return new ExternalAuth(protocol, backendRef, path, List.of(headers), allowedResponseHeaders, forwardBodyMaxSize);
        }

        /** This, copying only the auth answer's {@code headers} into the request sent on. */
        public ExternalAuth withAllowedResponseHeaders(String... headers) {
            return new ExternalAuth(protocol, backendRef, path, allowedHeaders, List.of(headers), forwardBodyMaxSize);
        }
    }
}
