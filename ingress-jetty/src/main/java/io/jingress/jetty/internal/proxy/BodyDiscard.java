package io.jingress.jetty.internal.proxy;

import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.Callback;

/**
 * Once an HTTP/1 client's answer is written, reads and drops what it still sends of its body,
 * without blocking, until the body ends, fails (the client went away) or {@link #LINGER_NANOS}
 * passed; then the exchange ends. As nginx discards a body it will not pass on: closing the
 * connection with bytes unread would reset it, and a client that writes its whole body before it
 * reads (most libraries) would fail on a broken pipe and never see its answer. A body read to its
 * end leaves the connection to carry the next request.
 *
 * <p>As the callback of the answer's last write ({@link RequestBodyLimit#refuse}) it starts when
 * that write succeeds; {@link #afterAnswer} starts it at once.
 */
final class BodyDiscard implements Callback, Runnable {
    /** How long the rest of a body is read and dropped, as nginx's {@code lingering_time}. */
    static final long LINGER_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final Exchange exchange;
    private long since;

    BodyDiscard(Exchange exchange) {
        this.exchange = exchange;
    }

    /**
     * The callback for an answer the proxy writes before it read the request's body (a refusal):
     * one that reads and drops the body once the answer is written, over HTTP/1; the exchange itself
     * over HTTP/2 (the stream is reset after the answer) and for a client that waits for a
     * {@code 100 Continue} it never got (it sends no body).
     */
    static Callback after(Exchange exchange) {
        if (exchange.getConnectionMetaData().getHttpVersion().getVersion() >= 20
                || (!exchange.bodyConsumed && exchange.getWrapped().getHeaders().contains(HttpHeader.EXPECT))) {
            return exchange;
        }
        return new BodyDiscard(exchange);
    }

    /** The exchange whose body is dropped. */
    Exchange exchange() {
        return exchange;
    }

    /** Reads and drops the rest of {@code exchange}'s body, whose answer is written whole, then ends it. */
    static void afterAnswer(Exchange exchange) {
        new BodyDiscard(exchange).succeeded();
    }

    @Override
    public void succeeded() {
        since = System.nanoTime();
        run();
    }

    @Override
    public void failed(Throwable failure) {
        exchange.failed(failure);
    }

    @Override
    public void run() {
        while (System.nanoTime() - since < LINGER_NANOS) {
            Content.Chunk chunk = exchange.read();
            if (chunk == null) {
                try {
                    exchange.demand(this);
                    return;
                } catch (IllegalArgumentException x) {
                    // "demand pending": Jetty's client still waits for the body of a request it
                    // gave up on (its idle timeout); the exchange ends now, and Jetty's connection
                    // closes with the body unread
                    break;
                }
            }
            boolean done = chunk.isLast() || Content.Chunk.isFailure(chunk);
            chunk.release();
            if (done) {
                break;
            }
        }
        exchange.succeeded();
    }

    @Override
    public InvocationType getInvocationType() {
        return InvocationType.NON_BLOCKING;
    }
}
