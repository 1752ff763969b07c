package io.jingress.jetty.internal.proxy;

import java.nio.ByteBuffer;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

/**
 * The response to a HEAD request. A HEAD answer may carry a {@code Content-Length} only if it is
 * what a GET would be sent (RFC 9110 sections 9.3.2 and 8.6); when the endpoint's answer had none
 * (it was chunked or ended with its connection), neither does this one, as with nginx. Jetty (and
 * the lean connection, which frames as Jetty does) announces the length of a response whose only
 * write is its last, 0 here; so the head is committed first, without a length, and the last write
 * follows. Either connection sends no body after the head of a HEAD answer, whatever its headers
 * say, so the connection's framing stays right. The lean connection then sends no framing header
 * at all, as nginx; Jetty's says {@code Transfer-Encoding: chunked} to an HTTP/1.1 client (as a
 * GET's answer of unknown length would be framed) and closes an HTTP/1.0 client's connection
 * after it (as it ends an HTTP/1.0 answer of unknown length).
 */
final class HeadResponse extends Response.Wrapper {
    HeadResponse(Request clientToProxyRequest, Response proxyToClientResponse) {
        super(clientToProxyRequest, proxyToClientResponse);
    }

    @Override
    public void write(boolean last, ByteBuffer content, Callback callback) {
        if (last && !isCommitted() && BufferUtil.isEmpty(content) && !getHeaders().contains(HttpHeader.CONTENT_LENGTH)) {
            super.write(false, BufferUtil.EMPTY_BUFFER, Callback.from(callback.getInvocationType(),
                    () -> super.write(true, BufferUtil.EMPTY_BUFFER, callback), callback::failed));
            return;
        }
        super.write(last, content, callback);
    }
}
