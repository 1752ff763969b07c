package io.jingress.core.route;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The gzip compression of the endpoints' answers that the controller ConfigMap asks for with
 * {@code use-gzip: "true"}, as nginx's gzip module does it for ingress-nginx ({@code gzip_proxied any},
 * {@code gzip_vary on}): an answer is compressed when its client accepts gzip (HTTP/1.1 or later), its
 * status is 200, 403 or 404, it has no {@code Content-Encoding} yet, its type is one of {@link #types()}
 * ({@code text/html} always), and its {@code Content-Length}, when it has one, is at least
 * {@link #minLength()}.
 *
 * @param level {@code gzip-level}, 1 (fastest, ingress-nginx's default) to 9
 * @param minLength {@code gzip-min-length}, bytes; 256 by default
 * @param types {@code gzip-types}: media types, lower case, without parameters; {@code "*"} for any
 */
public record ResponseCompression(int level, long minLength, Set<String> types) {
    /** ingress-nginx's {@code gzip-types}. */
    public static final Set<String> DEFAULT_TYPES = Set.copyOf(List.of("application/atom+xml", "application/javascript",
            "application/x-javascript", "application/json", "application/rss+xml", "application/vnd.ms-fontobject",
            "application/x-font-ttf", "application/x-web-app-manifest+json", "application/xhtml+xml", "application/xml",
            "font/opentype", "image/svg+xml", "image/x-icon", "text/css", "text/javascript", "text/plain",
            "text/x-component"));
    /** ingress-nginx's defaults: level 1, 256 bytes, its types. */
    public static final ResponseCompression DEFAULTS = new ResponseCompression(1, 256, DEFAULT_TYPES);

    public ResponseCompression {
        if (level < 1 || level > 9) {
            throw new IllegalArgumentException("level must be 1 to 9, got " + level);
        }
        if (minLength < 0) {
            throw new IllegalArgumentException("minLength must not be negative, got " + minLength);
        }
        types = Set.copyOf(Objects.requireNonNull(types, "types"));
    }

    /** Whether an answer of this {@code Content-Type} (parameters and case ignored; null: none) may be compressed. */
    public boolean compresses(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
        return type.equals("text/html") || types.contains(type) || types.contains("*") && !type.isEmpty();
    }

    /** What {@code /routes} and the log say of it. */
    public String describe() {
        return "gzip level " + level + ", from " + minLength + " bytes, " + (types.contains("*") ? "any type"
                : "text/html and " + types.size() + " other types");
    }
}
