package io.jingress.jetty.internal.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.jingress.core.route.AnswerRate;

import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;

/**
 * The pacing of {@code limit-rate} on a clock the test moves: what is written by when, that the
 * caller's callback waits for its last byte, and that a failed piece fails the caller's write.
 */
class AnswerPacerTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private long now = 1_000 * SECOND;
    private final List<Runnable> due = new ArrayList<>();
    private final List<Long> delays = new ArrayList<>();
    private final ByteArrayOutputStream written = new ByteArrayOutputStream();
    private final List<Boolean> lastFlags = new ArrayList<>();
    /** When set, the sink completes nothing itself: the test does. */
    private Callback pendingPiece;
    private boolean holdPieces;

    private AnswerPacer pacer(long rate, long after) {
        AnswerPacer.Sink sink = (last, piece, callback) -> {
            byte[] bytes = new byte[piece.remaining()];
            piece.get(bytes);
            written.writeBytes(bytes);
            lastFlags.add(last);
            if (holdPieces) {
                pendingPiece = callback;
            } else {
                callback.succeeded();
            }
        };
        AnswerPacer.Timer timer = (task, delayNanos) -> {
            due.add(task);
            delays.add(delayNanos);
        };
        return new AnswerPacer(new AnswerRate(rate, after), sink, timer, () -> now);
    }

    /** Moves the clock by the last delay asked and runs the task. */
    private void runNextTimer() {
        Runnable task = due.remove(0);
        now += delays.get(delays.size() - 1);
        task.run();
    }

    private static byte[] body(int length) {
        byte[] body = new byte[length];
        for (int i = 0; i < length; i++) {
            body[i] = (byte) (i * 31 + 7);
        }
        return body;
    }

    private static final class Done implements Callback {
        boolean succeeded;
        Throwable failure;

        @Override
        public void succeeded() {
            succeeded = true;
        }

        @Override
        public void failed(Throwable cause) {
            failure = cause;
        }
    }

    @Test
    void theBytesAfterAndTheFirstSecondsWorthGoAtOnceTheRestAtTheRate() {
        AnswerPacer pacer = pacer(1000, 4000);
        byte[] body = body(10_000);
        Done done = new Done();

        pacer.write(true, ByteBuffer.wrap(body), done);

        assertEquals(5000, written.size(), "limit-rate-after plus the first second's worth");
        assertFalse(done.succeeded, "the caller's write is not done before its last byte");
        assertEquals(List.of(false), lastFlags, "a cut piece is never the last");
        assertEquals(1, due.size());
        // each wait lets an eighth of a second's worth go
        assertEquals(SECOND / 8, delays.get(0));
        int timers = 0;
        while (!done.succeeded) {
            runNextTimer();
            timers++;
            assertTrue(written.size() <= 4000 + 1000 * (now - 1_000 * SECOND + SECOND) / SECOND, "never ahead of the rate");
        }
        assertEquals(40, timers, "5000 bytes at 1000/s in pieces of 125");
        assertEquals(1_000 * SECOND + 5 * SECOND, now, "the last byte goes after 5 s, not sooner");
        assertArrayEquals(body, written.toByteArray());
        assertTrue(lastFlags.get(lastFlags.size() - 1), "the last piece carries the caller's last");
        assertTrue(due.isEmpty());
    }

    @Test
    void aWriteTheAllowanceCoversGoesWholeWithTheCallersOwnCallback() {
        AnswerPacer pacer = pacer(1000, 4000);
        holdPieces = true;
        Done done = new Done();

        pacer.write(false, ByteBuffer.wrap(body(3000)), done);

        assertSame(done, pendingPiece, "no wrapping, no timer: the write goes as it came");
        assertTrue(due.isEmpty());
        pendingPiece.succeeded();
        pendingPiece = null;

        // later writes count on what was sent: 5000 allowed in the first second, 3000 sent
        pacer.write(true, ByteBuffer.wrap(body(2000)), new Done());
        assertTrue(due.isEmpty());
        assertEquals(5000, written.size());
    }

    @Test
    void timeSpentElsewhereIsCreditedAsNginxDoes() {
        AnswerPacer pacer = pacer(1000, 0);
        now += 10 * SECOND;  // the endpoint took 10 s to answer

        Done done = new Done();
        pacer.write(true, ByteBuffer.wrap(body(11_000)), done);

        assertTrue(done.succeeded);
        assertTrue(due.isEmpty());
    }

    @Test
    void anEmptyLastWriteIsPassedOn() {
        AnswerPacer pacer = pacer(1000, 0);
        pacer.write(false, ByteBuffer.wrap(body(1000)), new Done());
        Done done = new Done();

        pacer.write(true, ByteBuffer.allocate(0), done);

        assertTrue(done.succeeded);
        assertEquals(List.of(false, true), lastFlags);
    }

    @Test
    void aFailedPieceFailsTheCallersWriteAndNothingMoreIsWritten() {
        AnswerPacer pacer = pacer(1000, 0);
        holdPieces = true;
        Done done = new Done();

        pacer.write(true, ByteBuffer.wrap(body(5000)), done);
        assertEquals(1000, written.size());
        IOException broken = new IOException("broken pipe");
        pendingPiece.failed(broken);

        assertSame(broken, done.failure);
        assertFalse(done.succeeded);
        assertTrue(due.isEmpty());
        assertNull(done.failure.getCause());
        assertEquals(1000, written.size());
    }
}
