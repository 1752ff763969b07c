package io.jingress.jetty.internal.tls;

/** A TLS Secret that cannot be served, with the field ({@code tls.crt} or {@code tls.key}) at fault. */
final class BadSecretException extends Exception {
    private static final long serialVersionUID = 1L;

    static final String CERT_FIELD = "tls.crt";
    static final String KEY_FIELD = "tls.key";

    private final String field;

    BadSecretException(String field, String message) {
        super(message);
        this.field = field;
    }

    BadSecretException(String field, String message, Throwable cause) {
        super(message, cause);
        this.field = field;
    }

    String field() {
        return field;
    }
}
