package io.jingress.core.route;

import java.util.List;
import java.util.Map;

/**
 * Reads the annotations that tune nginx's buffers and its protocol to the endpoint, which Jingress,
 * streaming both ways over HTTP/1.1, does not need. Ingresses written for ingress-nginx carry them
 * often ({@code proxy-buffer-size: 16k} for large cookies, {@code proxy-request-buffering: off} for
 * uploads); reporting each as not implemented would be noise, and worse, would suggest the
 * setting's purpose is lost. So a value is checked, and reported only where Jingress does
 * otherwise than the value asks:
 *
 * <ul>
 *   <li>{@code proxy-buffering}: {@code off} (ingress-nginx's default) is what Jingress does, {@code on}
 *       is reported: responses are streamed to the client as they arrive;
 *   <li>{@code proxy-request-buffering}: {@code off} is what Jingress does, {@code on} (ingress-nginx's
 *       default) is reported: request bodies are streamed to the endpoint;
 *   <li>{@code proxy-buffer-size}: nginx's limit on an endpoint's response head (a larger head is
 *       answered 502); Jingress reads heads up to {@link #RESPONSE_HEAD_BYTES}, so a size up to that is
 *       served and a larger one reported;
 *   <li>{@code proxy-buffers-number}, {@code proxy-busy-buffers-size}, {@code proxy-max-temp-file-size},
 *       {@code client-body-buffer-size}: memory and temporary files of nginx's buffering, of which
 *       Jingress has none: only the value's form is checked;
 *   <li>{@code proxy-http-version}: {@code 1.1} is what Jingress speaks, {@code 1.0} is reported;
 *   <li>{@code preserve-trailing-slash}: a boolean; the redirect to HTTPS always keeps the path as
 *       sent, so both values are served (ingress-nginx drops one trailing {@code /} unless true).
 * </ul>
 *
 * <p>Values are read as ingress-nginx validates them: {@code on}/{@code off} and {@code 1.0}/{@code 1.1}
 * exactly, sizes as nginx writes them, a count as digits.
 */
final class BufferAnnotations {
    static final String PROXY_BUFFERING = "proxy-buffering";
    static final String REQUEST_BUFFERING = "proxy-request-buffering";
    static final String BUFFER_SIZE = "proxy-buffer-size";
    static final String BUFFERS_NUMBER = "proxy-buffers-number";
    static final String BUSY_BUFFERS_SIZE = "proxy-busy-buffers-size";
    static final String MAX_TEMP_FILE_SIZE = "proxy-max-temp-file-size";
    static final String CLIENT_BODY_BUFFER_SIZE = "client-body-buffer-size";
    static final String HTTP_VERSION = "proxy-http-version";
    static final String PRESERVE_TRAILING_SLASH = "preserve-trailing-slash";
    static final List<String> NAMES = List.of(PROXY_BUFFERING, REQUEST_BUFFERING, BUFFER_SIZE, BUFFERS_NUMBER,
            BUSY_BUFFERS_SIZE, MAX_TEMP_FILE_SIZE, CLIENT_BODY_BUFFER_SIZE, HTTP_VERSION, PRESERVE_TRAILING_SLASH);

    /**
     * The largest response head the proxy reads from an endpoint by default (ingress-jetty's
     * {@code IngressServer}: the larger of this and its request header limit); past it the request
     * is answered 502, as nginx answers a head larger than {@code proxy_buffer_size}.
     */
    static final int RESPONSE_HEAD_BYTES = 32 * 1024;

    private BufferAnnotations() {
    }

    static void read(Map<String, String> annotations, List<String> problems) {
        onOff(annotations, PROXY_BUFFERING, "off", "responses are streamed to the client as they arrive,"
                + " not buffered", problems);
        onOff(annotations, REQUEST_BUFFERING, "off", "request bodies are streamed to the endpoint as they"
                + " arrive, not buffered first", problems);
        RouteAnnotations.Named size = RouteAnnotations.value(annotations, BUFFER_SIZE);
        if (size != null) {
            long bytes = BodySizeAnnotation.parseSize(size.value());
            if (bytes < 0) {
                problems.add(size.quoted() + " is not a size (bytes, or a number with k, m or g, such as 16k)");
            } else if (bytes > RESPONSE_HEAD_BYTES) {
                problems.add(size.quoted() + " is more than Jingress reads of an endpoint's response head ("
                        + BodySizeAnnotation.describe(RESPONSE_HEAD_BYTES) + "): a larger head is answered 502");
            }
        }
        for (String name : List.of(BUSY_BUFFERS_SIZE, MAX_TEMP_FILE_SIZE, CLIENT_BODY_BUFFER_SIZE)) {
            RouteAnnotations.Named named = RouteAnnotations.value(annotations, name);
            if (named != null && BodySizeAnnotation.parseSize(named.value()) < 0) {
                problems.add(named.quoted() + " is not a size (bytes, or a number with k, m or g, such as 8k)");
            }
        }
        RouteAnnotations.Named number = RouteAnnotations.value(annotations, BUFFERS_NUMBER);
        if (number != null && !number.value().matches("[0-9]{1,9}")) {
            problems.add(number.quoted() + " is not a number");
        }
        RouteAnnotations.Named version = RouteAnnotations.value(annotations, HTTP_VERSION);
        if (version != null) {
            switch (version.value()) {
                case "1.1" -> {
                }
                case "1.0" -> problems.add(version.quoted() + " is not implemented: Jingress speaks HTTP/1.1 to"
                        + " endpoints");
                default -> problems.add(version.quoted() + " is neither 1.0 nor 1.1");
            }
        }
        RouteAnnotations.Named slash = RouteAnnotations.value(annotations, PRESERVE_TRAILING_SLASH);
        if (slash != null && RouteAnnotations.parseBool(slash.value()) == null) {
            problems.add(slash.quoted() + " is neither true nor false");
        }
    }

    private static void onOff(Map<String, String> annotations, String name, String served, String otherwise,
            List<String> problems) {
        RouteAnnotations.Named named = RouteAnnotations.value(annotations, name);
        if (named == null || named.value().equals(served)) {
            return;
        }
        if (named.value().equals("on") || named.value().equals("off")) {
            problems.add(named.quoted() + " is not implemented: " + otherwise);
        } else {
            problems.add(named.quoted() + " is neither on nor off");
        }
    }
}
