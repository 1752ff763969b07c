package io.jingress.core.route;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads {@code backend-protocol}: how the Ingress's endpoints are spoken to. As ingress-nginx, the
 * value is trimmed and read without regard to case ({@code https} is {@code HTTPS}); one that is
 * not among {@link BackendProtocol}'s names is a problem and the endpoints are spoken to in HTTP,
 * as ingress-nginx falls back to HTTP. {@code FCGI} is understood but not spoken: a problem says the
 * routes answer 502 (see {@link BackendProtocol#spoken()}).
 */
final class BackendProtocolAnnotation {
    static final String NAME = "backend-protocol";

    private BackendProtocolAnnotation() {
    }

    /** Reads the annotation into {@code builder}; the protocol the endpoints are spoken to in. */
    static BackendProtocol read(Map<String, String> annotations, RoutePolicy.Builder builder, List<String> problems) {
        RouteAnnotations.Named named = RouteAnnotations.value(annotations, NAME);
        if (named == null) {
            return BackendProtocol.HTTP;
        }
        BackendProtocol protocol = parse(named.value());
        if (protocol == null) {
            problems.add(named.quoted() + " is not a backend protocol (HTTP, HTTPS, AUTO_HTTP, GRPC, GRPCS or FCGI):"
                    + " the Ingress's endpoints are spoken to in HTTP");
            return BackendProtocol.HTTP;
        }
        if (!protocol.spoken()) {
            problems.add(named.quoted() + " is not supported by Jingress, which speaks HTTP/1.1, HTTPS and gRPC to"
                    + " endpoints, not FastCGI: the Ingress's routes answer 502 with a body that says so, rather than"
                    + " speak HTTP to a FastCGI server");
        }
        if (protocol != BackendProtocol.HTTP) {
            builder.backendProtocol(protocol);
        }
        return protocol;
    }

    /** The protocol named by {@code text}, trimmed, in any case; null when it names none. */
    static BackendProtocol parse(String text) {
        String name = text.trim().toUpperCase(Locale.ROOT);
        for (BackendProtocol protocol : BackendProtocol.values()) {
            if (protocol.name().equals(name) && protocol != BackendProtocol.H2C) {  // H2C: no value of the annotation
                return protocol;
            }
        }
        return null;
    }

    /** The phrase of {@link RoutePolicy#describe()}; null for {@link BackendProtocol#HTTP}. */
    static String describe(BackendProtocol protocol) {
        return switch (protocol) {
            case HTTP -> null;
            case HTTPS -> "endpoints spoken to in HTTPS, certificates not verified (backend-protocol)";
            case AUTO_HTTP -> "endpoints spoken to in HTTPS when the client came over TLS, else HTTP;"
                    + " certificates not verified (backend-protocol AUTO_HTTP)";
            case GRPC -> "endpoints spoken to in gRPC, HTTP/2 in cleartext (backend-protocol GRPC)";
            case GRPCS -> "endpoints spoken to in gRPC over TLS, certificates not verified (backend-protocol GRPCS)";
            case FCGI -> "answered 502: backend-protocol " + protocol + " is not supported";
            case H2C -> "endpoints spoken to in HTTP/2 in cleartext (a GRPCRoute's, or the Service port's appProtocol"
                    + " kubernetes.io/h2c)";
        };
    }
}
