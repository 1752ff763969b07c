package io.jingress.jetty.internal.proxy;

import io.jingress.core.route.ResponseHeaders;
import io.jingress.core.route.RoutePolicy;

import java.util.Locale;
import java.util.Map;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.PreEncodedHttpField;

/**
 * The headers an Ingress's {@code custom-headers} sets ({@link ResponseHeaders}), as ingress-nginx's
 * {@code more_set_headers} (without {@code -s}) does: on every answer of the route, whatever its
 * status, the endpoint's (whose fields of the same names are dropped: one of each reaches the
 * client) and the proxy's own ({@link PlainResponses}: 401, 403, 502, 503, 504...). On both request
 * paths, since both copy the endpoint's head through {@code RoutingProxy.copyServerHeaders}. The
 * fields are encoded once per {@link ResponseHeaders} (kept with it); a route without the
 * annotation pays one null check per answer.
 */
final class PolicyResponseHeaders {

    private PolicyResponseHeaders() {
    }

    /** The fields of {@code policy}'s {@code custom-headers}, or null when it sets none. */
    static Fields of(RoutePolicy policy) {
        ResponseHeaders headers = policy.responseHeaders();
        return headers == null ? null : headers.compiled(Fields.class, Fields::new);
    }

    /** One {@link ResponseHeaders}'s fields, encoded once. */
    static final class Fields {
        private final HttpField[] fields;
        private final String[] lowerCaseNames;

        Fields(ResponseHeaders headers) {
            Map<String, String> map = headers.headers();
            this.fields = new HttpField[map.size()];
            this.lowerCaseNames = new String[map.size()];
            int i = 0;
            for (Map.Entry<String, String> entry : map.entrySet()) {
                fields[i] = new PreEncodedHttpField(entry.getKey(), entry.getValue());
                lowerCaseNames[i] = entry.getKey().toLowerCase(Locale.ROOT);
                i++;
            }
        }

        /** Whether the endpoint's {@code field} is one of these, so it is dropped. */
        boolean replaces(HttpField field) {
            String name = field.getLowerCaseName();
            for (String replaced : lowerCaseNames) {
                if (replaced.equals(name)) {
                    return true;
                }
            }
            return false;
        }

        /** Sets them on an answer, replacing any field of the same name already there. */
        void putOn(HttpFields.Mutable proxyToClientHeaders) {
            for (HttpField field : fields) {
                proxyToClientHeaders.put(field);
            }
        }
    }
}
