package io.jingress.jetty.internal.proxy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

/**
 * A client connection that is not served: it writes one fixed answer (or nothing), stops writing,
 * and drains what the client sent until the client closes, 5 s pass without a byte, or 30 s pass.
 */
final class Refusal extends AbstractConnection implements Connection.UpgradeTo {
    // as nginx's lingering_time: a client that keeps sending cannot hold the connection longer
    private static final long LINGER_NANOS = TimeUnit.SECONDS.toNanos(30);
    private final byte[] answer;
    private final long opened = System.nanoTime();

    /** A whole plain-text answer that closes the connection: {@code status reason}, then {@code text} as its body. */
    static byte[] plainAnswer(int status, String reason, String text) {
        return ("HTTP/1.1 " + status + " " + reason + "\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: " + text.length() + "\r\n"
                + "Connection: close\r\n"
                + "\r\n"
                + text).getBytes(StandardCharsets.US_ASCII);
    }

    /** @param answer the whole answer, head and body; {@code null}: close at once, saying nothing */
    Refusal(EndPoint endPoint, Connector connector, byte[] answer) {
        super(endPoint, connector.getExecutor());
        this.answer = answer;
    }

    /** What the client sent before this connection took over (a request to the wrong port): not read. */
    @Override
    public void onUpgradeTo(ByteBuffer buffer) {
    }

    @Override
    public void onOpen() {
        super.onOpen();
        EndPoint endPoint = getEndPoint();
        if (answer == null) {
            endPoint.close();
            return;
        }
        endPoint.setIdleTimeout(5_000);
        endPoint.write(Callback.from(() -> {
            // Closing with unread request bytes would reset the connection and could destroy
            // the answer before the client reads it: half-close and drain instead.
            endPoint.shutdownOutput();
            fillInterested();
        }, failure -> endPoint.close()), ByteBuffer.wrap(answer));
    }

    @Override
    public void onFillable() {
        if (System.nanoTime() - opened > LINGER_NANOS) {
            getEndPoint().close();
            return;
        }
        ByteBuffer scratch = BufferUtil.allocate(1024);
        try {
            while (true) {
                BufferUtil.clear(scratch);
                int read = getEndPoint().fill(scratch);
                if (read < 0) {
                    getEndPoint().close();
                    return;
                }
                if (read == 0) {
                    fillInterested();
                    return;
                }
            }
        } catch (Exception x) {
            getEndPoint().close(x);
        }
    }
}
