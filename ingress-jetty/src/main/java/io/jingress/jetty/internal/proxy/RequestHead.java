package io.jingress.jetty.internal.proxy;

import java.nio.ByteBuffer;
import java.util.Arrays;

import io.jingress.core.route.RoutePolicy;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;

/**
 * Encodes the HTTP/1.1 request head sent upstream, into a buffer its connection keeps: the
 * method, the normalised path and query, the client's end-to-end headers and the forwarded ones
 * ({@link ProxyHeaders}). Keep-alive is HTTP/1.1's default, so no {@code Connection} header.
 * Not thread-safe: one per connection, which carries one request at a time.
 */
final class RequestHead implements ProxyHeaders.HeaderSink {
    /**
     * The most bytes a head and its body take when the body is put after the head, in the same
     * array: the request then goes out as one buffer, which the JDK copies to one temporary direct
     * buffer for a {@code write}, where two buffers took two, and a {@code writev}. A longer body
     * is written as a buffer of its own, so a connection keeps no array the size of its largest body.
     */
    static final int MAX_WITH_BODY = 4096;

    private final HttpFields.Mutable proxyToServerHeaders = HttpFields.build(32);
    private byte[] bytes = new byte[1024];
    private int length;
    private boolean withBody;
    /** A view of {@code bytes}, handed out again once the previous head was written. */
    private ByteBuffer headView;

    /**
     * The head for {@code exchange}, followed by its body when both fit in {@link #MAX_WITH_BODY}
     * ({@link #withBody()}), valid until the next call.
     */
    ByteBuffer encode(Exchange exchange) {
        HttpFields.Mutable headers = proxyToServerHeaders;
        headers.clear();
        ProxyHeaders.copyClientHeaders(exchange, exchange.getHeaders(), headers);
        RoutePolicy policy = exchange.route.policy();
        if (!policy.isNone()) {
            PolicyHeaders.setConfigured(policy, headers);
        }
        if (exchange.requestId == null) {
            exchange.requestId = ProxyHeaders.newRequestId();
        }
        length = 0;
        append(exchange.getMethod());
        append(' ');
        appendChecked(exchange.pathAndQuery, true);
        append(" HTTP/1.1\r\n");
        // The forwarded headers and the request id, in the places ProxyHeaders.addForwardedHeaders
        // gives them, are written straight into the head: putting them into the fields first cost a
        // scan and an HttpField each.
        String host = null;
        boolean requestIdWritten = false;
        String upstreamHost = policy.isNone() ? null : policy.upstreamHost();
        for (HttpField field : headers) {
            if (field.getHeader() == HttpHeader.CONTENT_LENGTH) {
                continue;  // written below, from the body sent
            }
            if (field.getHeader() == HttpHeader.EXPECT) {
                continue;  // met on the client's side: the body goes out with the head
            }
            if (field.getHeader() == HttpHeader.HOST) {
                if (host == null) {
                    host = field.getValue();
                }
                if (upstreamHost != null) {
                    // upstream-vhost; X-Forwarded-Host below still names the client's
                    appendField("Host", upstreamHost);
                    continue;
                }
            } else if (field.getHeader() == null && field.is(ProxyHeaders.X_REQUEST_ID)) {
                // the client's id, sent once, where the client put it
                if (!requestIdWritten) {
                    requestIdWritten = true;
                    appendField(ProxyHeaders.X_REQUEST_ID, exchange.requestId);
                }
                continue;
            }
            appendField(field.getName(), field.getValue());
        }
        // The length of the body read, whatever the client's header said or a Connection header
        // named: the upstream must frame the request as this proxy does. A client's explicit 0 is
        // kept (some servers want one on a POST).
        byte[] body = exchange.body;
        if (body != null) {
            append("Content-Length: ");
            appendDecimal(body.length);
            append("\r\n");
        } else if (exchange.getHeaders().contains(HttpHeader.CONTENT_LENGTH)) {
            appendField("Content-Length", "0");
        }
        ProxyHeaders.forwardedHeaders(exchange, host, ProxyHeaders.localPort(exchange), this);
        if (!requestIdWritten) {
            appendField(ProxyHeaders.X_REQUEST_ID, exchange.requestId);
        }
        if (!policy.isNone()) {
            String prefix = PolicyHeaders.forwardedPrefix(exchange, policy);
            if (prefix != null) {
                appendField(PolicyHeaders.X_FORWARDED_PREFIX, prefix);
            }
        }
        append("\r\n");
        withBody = body != null && length + body.length <= MAX_WITH_BODY;
        if (withBody) {
            // copied for each try, so a retry sends the body whole
            ensure(body.length);
            System.arraycopy(body, 0, bytes, length, body.length);
            length += body.length;
        }
        ByteBuffer view = headView;
        if (view == null || view.array() != bytes) {
            view = ByteBuffer.wrap(bytes);
            headView = view;
        }
        view.limit(length).position(0);
        return view;
    }

    /** Whether the buffer {@link #encode} returned last holds the body after the head. */
    boolean withBody() {
        return withBody;
    }

    @Override
    public void header(String name, String value) {
        appendField(name, value);
    }

    private void appendField(String name, String value) {
        appendChecked(name, true);
        append(": ");
        if (value != null) {
            appendChecked(value, false);
        }
        append("\r\n");
    }

    private void append(char c) {
        ensure(1);
        bytes[length++] = (byte) c;
    }

    private void appendDecimal(int value) {
        ensure(10);
        if (value == 0) {
            bytes[length++] = '0';
            return;
        }
        int digits = 0;
        for (int v = value; v > 0; v /= 10) {
            digits++;
        }
        for (int i = length + digits - 1; i >= length; i--) {
            bytes[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        length += digits;
    }

    private void append(String text) {
        int n = text.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            bytes[length++] = (byte) text.charAt(i);
        }
    }

    /**
     * Appends text that came from the client, refusing control characters (and, in a token or the
     * target, spaces): a line break would let one request smuggle another past this proxy.
     * Jetty's parsers never let such text through; this makes sure of it where bytes are written.
     */
    private void appendChecked(String text, boolean token) {
        int n = text.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f || (token && (c == ' ' || c == '\t'))) {
                throw new IllegalArgumentException("request text not allowed in an HTTP/1.1 head");
            }
            // beyond ISO-8859-1, as Jetty's own generator does
            bytes[length++] = c > 0xff ? (byte) '?' : (byte) c;
        }
    }

    private void ensure(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }
}
