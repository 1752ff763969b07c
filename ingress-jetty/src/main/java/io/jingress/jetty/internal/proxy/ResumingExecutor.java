package io.jingress.jetty.internal.proxy;

import java.util.Objects;

import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.util.thread.TryExecutor;

/**
 * The executor of the proxy's client connectors: the server's thread pool, except that a client
 * connection resumed by the end of a proxied exchange runs on the calling thread.
 *
 * <p>When a request ends after its handler returned, as every proxied one does, Jetty hands its
 * HTTP/1 connection to the connector's executor to read the next request: a thread hand-off per
 * request, which on loopback cost as much as the proxying itself. {@link UpstreamConnection}
 * completes exchanges on a selector thread with nothing blocking, and the handler does not block
 * either, so the next request can be read and forwarded right there, as nginx does it.
 */
public final class ResumingExecutor implements TryExecutor {
    /** How many resumed connections may nest on one stack before the pool takes over. */
    private static final int MAX_DEPTH = 4;
    /** [0]: inside a completion (1) or not (0); [1]: connections resumed on this stack now. */
    private static final ThreadLocal<int[]> STATE = ThreadLocal.withInitial(() -> new int[2]);

    private final TryExecutor threads;

    public ResumingExecutor(TryExecutor threads) {
        this.threads = Objects.requireNonNull(threads, "threads");
    }

    /** Runs {@code completion} so that a connection it resumes is resumed on this thread. */
    static void completeHere(Runnable completion) {
        int[] state = STATE.get();
        int outer = state[0];
        state[0] = 1;
        try {
            completion.run();
        } finally {
            state[0] = outer;
        }
    }

    @Override
    public void execute(Runnable task) {
        if (task instanceof Connection) {
            int[] state = STATE.get();
            // A resumed connection may complete another exchange at once, and so on: bounded.
            if (state[0] == 1 && state[1] < MAX_DEPTH) {
                state[0] = 0;
                state[1]++;
                try {
                    task.run();
                } finally {
                    state[1]--;
                    state[0] = 1;
                }
                return;
            }
        }
        threads.execute(task);
    }

    @Override
    public boolean tryExecute(Runnable task) {
        return threads.tryExecute(task);
    }
}
