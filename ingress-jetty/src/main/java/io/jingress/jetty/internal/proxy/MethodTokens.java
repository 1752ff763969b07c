package io.jingress.jetty.internal.proxy;

/**
 * Whether a request method is an RFC 9110 token, as a method must be. Jetty's HTTP/1 parser
 * refuses any other, but its HTTP/2 decoder takes a {@code :method} with spaces or tabs
 * ({@code "GET /admin"}), which would be written into the upstream request line as
 * {@code GET /admin /public HTTP/1.1}: routed by one path, read by some servers as another.
 * nginx refuses such an HTTP/2 method with 400 too.
 */
final class MethodTokens {
    private MethodTokens() {
    }

    /** Whether {@code method} is one or more tchars: letters, digits and {@code !#$%&'*+-.^_`|~}. */
    static boolean isToken(String method) {
        int n = method.length();
        if (n == 0) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = method.charAt(i);
            boolean tchar = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!tchar) {
                return false;
            }
        }
        return true;
    }
}
