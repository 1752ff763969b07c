package io.jingress.core.route;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads {@code mirror-target}, {@code mirror-request-body} and {@code mirror-host} into a
 * {@link RequestMirror}. A target that is not an absolute {@code http}/{@code https} URL with a host,
 * or that names a variable other than {@code $request_uri}, is a problem and nothing is mirrored
 * (mirroring guards nothing: serving without it is right). A {@code mirror-request-body} other than
 * {@code on}/{@code off} is a problem and the body is mirrored (the default); a {@code mirror-host}
 * that is not a host name is a problem and the target's host name is sent.
 */
final class MirrorAnnotations {
    static final String TARGET = "mirror-target";
    static final String REQUEST_BODY = "mirror-request-body";
    static final String HOST = "mirror-host";
    static final List<String> NAMES = List.of(TARGET, REQUEST_BODY, HOST);

    // a DNS name or an IPv4 address, or a bracketed IPv6 one, with an optional port
    private static final Pattern HOST_NAME = Pattern.compile(
            "(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?"
                    + "|\\[[0-9A-Fa-f:.]+\\])(?::[0-9]{1,5})?");

    private MirrorAnnotations() {
    }

    static void read(Map<String, String> annotations, RoutePolicy.Builder builder, List<String> problems) {
        RouteAnnotations.Named target = RouteAnnotations.value(annotations, TARGET);
        RouteAnnotations.Named body = RouteAnnotations.value(annotations, REQUEST_BODY);
        RouteAnnotations.Named host = RouteAnnotations.value(annotations, HOST);
        if (target == null) {
            for (RouteAnnotations.Named alone : new RouteAnnotations.Named[] {body, host}) {
                if (alone != null) {
                    problems.add(alone.quoted() + " has no effect without " + TARGET + ": nothing is mirrored");
                }
            }
            return;
        }
        String targetHost = targetHost(target.value());
        if (targetHost == null) {
            // a user:password@ is written ***@: no password in the logs
            RouteAnnotations.Named shown = new RouteAnnotations.Named(target.name(),
                    ExternalAuthAnnotations.withoutUserInfo(target.value()));
            problems.add(shown.quoted() + " is not an absolute http or https URL with a host (its only variable may be "
                    + RequestMirror.REQUEST_URI + "): requests are not mirrored");
            return;
        }
        boolean requestBody = true;
        if (body != null) {
            if ("off".equals(body.value())) {
                requestBody = false;
            } else if (!"on".equals(body.value())) {
                problems.add(body.quoted() + " is neither \"on\" nor \"off\": the request body is mirrored");
            }
        }
        String sentHost = targetHost;
        if (host != null) {
            if (HOST_NAME.matcher(host.value()).matches()) {
                sentHost = host.value();
            } else {
                problems.add(host.quoted() + " is not a host name: the mirror is sent Host " + targetHost);
            }
        }
        builder.mirror(new RequestMirror(target.value(), sentHost, requestBody));
    }

    /** The host name (without port) of a usable target; null when it is not one. */
    static String targetHost(String target) {
        if (target.isEmpty()) {
            return null;
        }
        // $request_uri always starts with '/': wherever it stands, the authority ends before it
        String filled = target.replace(RequestMirror.REQUEST_URI, "/");
        if (filled.indexOf('$') >= 0) {
            return null;
        }
        URI uri;
        try {
            uri = new URI(filled);
        } catch (URISyntaxException notAUri) {
            return null;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null
                || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            return null;
        }
        return uri.getHost();
    }
}
