package io.jingress.k8s;

/**
 * The paths the proxy's listeners refuse with 400 before any route is looked at, and which
 * {@code RequestPaths.normalize} would take: Jetty's {@code UriCompliance} as {@code IngressServer}
 * sets it ({@code DEFAULT}, with empty segments and raw illegal chars allowed) finds them
 * ambiguous, on the lean HTTP/1 connections, Jetty's HTTP/1.1 and HTTP/2 alike. The explainer asks
 * here so that it says 400 where the proxy does; the adapter has no Jetty to ask.
 */
final class AmbiguousPaths {
    private AmbiguousPaths() {
    }

    /**
     * Why the proxy refuses {@code rawPath} (as sent: escapes not decoded), or null when it takes it:
     * an encoded {@code %} ({@code %25}), a dot segment with a dot encoded ({@code /%2e/},
     * {@code /.%2e/}), or a dot segment with parameters ({@code /..;/}, {@code /.;x/}).
     */
    static String refusal(String rawPath) {
        if (rawPath.contains("%25")) {
            return "an encoded % (%25)";
        }
        int start = 0;
        int length = rawPath.length();
        while (start <= length) {
            int end = rawPath.indexOf('/', start);
            if (end < 0) {
                end = length;
            }
            String segment = rawPath.substring(start, end);
            int semicolon = segment.indexOf(';');
            String name = semicolon < 0 ? segment : segment.substring(0, semicolon);
            boolean encoded = name.indexOf('%') >= 0;
            String decoded = encoded ? name.replace("%2e", ".").replace("%2E", ".") : name;
            if (decoded.equals(".") || decoded.equals("..")) {
                if (encoded) {
                    return "a dot segment with an encoded dot (" + segment + ")";
                }
                if (semicolon >= 0) {
                    return "a dot segment with parameters (" + segment + ")";
                }
            }
            start = end + 1;
        }
        return null;
    }
}
