package io.jingress.jetty.internal.proxy;

import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import io.jingress.core.route.AnswerRate;

import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Paces the body of one answer towards its client ({@code limit-rate}, {@code limit-rate-after}, see
 * {@link AnswerRate}), as nginx's {@code limit_rate}: by the time {@code t} seconds have passed since
 * the pacer began, at most {@code after + rate * (t + 1)} bytes are written (nginx too lets the
 * first second's worth go at once). A write that the allowance does not cover is cut: what the
 * allowance covers goes now, the rest in pieces of an eighth of a second's worth, each once the
 * allowance grew to cover it; the wait is a task of the server's {@link Scheduler}, run on its
 * executor: no thread waits. The caller's callback completes only when its last byte is written,
 * so it writes nothing more meanwhile (and, as the proxy reads its endpoint only once a write is
 * done, the endpoint is read no faster than the client is served: back-pressure as before).
 * One write at a time, as {@link org.eclipse.jetty.io.Content.Sink} asks.
 */
final class AnswerPacer implements Callback {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long MIN_DELAY = TimeUnit.MILLISECONDS.toNanos(1);

    /** Where the paced pieces go: the client's response. */
    interface Sink {
        void write(boolean last, ByteBuffer piece, Callback callback);
    }

    /** Runs a task after a delay: the server's {@link Scheduler}, then its executor. */
    interface Timer {
        void schedule(Runnable task, long delayNanos);
    }

    private final Sink sink;
    private final Timer timer;
    private final LongSupplier nanoClock;
    private final long rate;
    private final long after;
    private final long step;
    private final long start;
    private final Runnable pump = this::pump;
    /** The body bytes written, or being written. */
    private long sent;
    // the caller's write under way
    private boolean last;
    private ByteBuffer buffer;
    private Callback callback;

    AnswerPacer(AnswerRate answerRate, Sink sink, Timer timer, LongSupplier nanoClock) {
        this.sink = sink;
        this.timer = timer;
        this.nanoClock = nanoClock;
        this.rate = answerRate.bytesPerSecond();
        this.after = answerRate.afterBytes();
        this.step = Math.max(1, rate / 8);
        this.start = nanoClock.getAsLong();
    }

    /** The client's response, its body paced by {@code answerRate} from now on. */
    static Response paced(Request request, Response response, AnswerRate answerRate, Scheduler scheduler, Executor executor) {
        return new PacedResponse(request, response, answerRate, scheduler, executor);
    }

    void write(boolean last, ByteBuffer buffer, Callback callback) {
        this.last = last;
        this.buffer = buffer == null ? BufferUtil.EMPTY_BUFFER : buffer;
        this.callback = callback;
        pump();
    }

    /** The bytes written so far, or being written. */
    long sent() {
        return sent;
    }

    /** The bytes that may have been written by {@code now}. */
    private long allowance(long now) {
        double seconds = (double) (now - start + SECOND) / SECOND;
        double bytes = after + rate * seconds;
        return bytes >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) bytes;
    }

    private void pump() {
        int remaining = buffer.remaining();
        long now = nanoClock.getAsLong();
        long budget = allowance(now) - sent;
        if (budget >= remaining) {
            sent += remaining;
            Callback done = callback;
            ByteBuffer whole = buffer;
            callback = null;
            buffer = null;
            sink.write(last, whole, done);
            return;
        }
        if (budget > 0) {
            int n = (int) budget;
            ByteBuffer piece = buffer.slice();
            piece.limit(n);
            buffer.position(buffer.position() + n);
            sent += n;
            sink.write(false, piece, this);  // succeeded: the rest waits for its allowance
            return;
        }
        long piece = Math.min(remaining, step);
        // when allowance(t) = sent + piece: t - start = (sent + piece - after) / rate - 1 s
        double due = (double) (sent + piece - after) / rate * SECOND - SECOND;
        long delay = Math.max(MIN_DELAY, (long) Math.ceil(due - (now - start)));
        timer.schedule(pump, delay);
    }

    // Callback: a piece cut from the caller's write was written.

    @Override
    public void succeeded() {
        pump();
    }

    @Override
    public void failed(Throwable cause) {
        Callback done = callback;
        callback = null;
        buffer = null;
        done.failed(cause);
    }

    @Override
    public InvocationType getInvocationType() {
        return InvocationType.NON_BLOCKING;
    }

    /** The client's response whose body writes go through a pacer. */
    private static final class PacedResponse extends Response.Wrapper {
        private final AnswerPacer pacer;

        PacedResponse(Request request, Response response, AnswerRate answerRate, Scheduler scheduler, Executor executor) {
            super(request, response);
            Timer timer = (task, delayNanos) -> scheduler.schedule(() -> executor.execute(task), delayNanos, TimeUnit.NANOSECONDS);
            this.pacer = new AnswerPacer(answerRate, response::write, timer, System::nanoTime);
        }

        @Override
        public void write(boolean last, ByteBuffer byteBuffer, Callback callback) {
            pacer.write(last, byteBuffer, callback);
        }
    }
}
