package io.jingress.core.route;

import java.util.List;
import java.util.Map;

/**
 * Reads {@code proxy-ssl-verify}, which asks that the endpoints' certificates be verified when they
 * are spoken to over TLS. Jingress does not verify them (see {@link BackendProtocol#HTTPS}), so it
 * fails closed: with {@code "on"} and a {@code backend-protocol} that goes over TLS, the requests
 * that would go to an endpoint over TLS are answered 502 and nothing is sent unverified
 * ({@link RoutePolicy#proxySslVerify()}).
 *
 * <p>As ingress-nginx, the value is {@code on} or {@code off} (lower case), {@code off} by default.
 * Another value is a problem; ingress-nginx reads it as {@code off}, and we read it as {@code on}
 * when the endpoints are spoken to over TLS, the safe side of a security setting. Without such a
 * {@code backend-protocol} the annotation has no effect, as in nginx, and a problem says so.
 */
final class ProxySslVerifyAnnotation {
    static final String NAME = "proxy-ssl-verify";
    static final String SECRET = "proxy-ssl-secret";

    private ProxySslVerifyAnnotation() {
    }

    /** Reads the annotation for an Ingress whose endpoints are spoken to in {@code protocol}. */
    static void read(Map<String, String> annotations, BackendProtocol protocol, RoutePolicy.Builder builder,
            List<String> problems) {
        RouteAnnotations.Named named = RouteAnnotations.value(annotations, NAME);
        if (named == null || named.value().equals("off")) {
            return;
        }
        boolean on = named.value().equals("on");
        String said = named.quoted() + (on ? "" : " is neither on nor off");
        if (protocol != BackendProtocol.HTTPS && protocol != BackendProtocol.AUTO_HTTP) {
            problems.add(said + (on ? " has" : ", and has") + " no effect without backend-protocol HTTPS"
                    + (protocol.spoken() ? ": the endpoints are spoken to in plain HTTP"
                            : ": the Ingress's routes answer 502 for backend-protocol " + protocol));
            return;
        }
        builder.proxySslVerify();
        String refused = (protocol == BackendProtocol.HTTPS
                ? "the Ingress's requests are answered 502"
                : "the Ingress's requests from clients over TLS (which backend-protocol AUTO_HTTP sends to endpoints"
                        + " over TLS) are answered 502, those over plain HTTP are proxied")
                + ", and nothing is sent to the endpoints unverified";
        problems.add(on
                ? said + " asks that endpoint certificates be verified, and Jingress does not verify them: " + refused
                : said + ": it is read as on, the safe side (Jingress does not verify endpoint certificates): "
                        + refused + "; \"off\" sends them unverified");
    }

    /**
     * The problem of a {@code proxy-ssl-*} annotation that is not read, when the usual "not
     * implemented" would mislead next to {@code proxy-ssl-verify}; null for any other.
     */
    static String notImplemented(String name) {
        if (!name.equals(RouteAnnotations.NGINX_PREFIX + SECRET)) {
            return null;
        }
        return name + " is not implemented by Jingress: no client certificate is presented to the endpoints, and its"
                + " CA verifies nothing (endpoint certificates are not verified; with proxy-ssl-verify: \"on\" the"
                + " requests that would go to them over TLS are answered 502)";
    }

    /** The phrase of {@link RoutePolicy#describe()} when {@link RoutePolicy#proxySslVerify()}. */
    static String describe(BackendProtocol protocol) {
        return "answered 502" + (protocol == BackendProtocol.AUTO_HTTP ? " for a client over TLS" : "")
                + ": proxy-ssl-verify is on and endpoint certificates are not verified";
    }
}
