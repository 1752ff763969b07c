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
    private static final ThreadLocal<boolean[]> COMPLETING = ThreadLocal.withInitial(() -> new boolean[1]);

    private final TryExecutor threads;

    public ResumingExecutor(TryExecutor threads) {
        this.threads = Objects.requireNonNull(threads, "threads");
    }

    /** Runs {@code completion} so that a connection it resumes is resumed on this thread. */
    static void completeHere(Runnable completion) {
        boolean[] completing = COMPLETING.get();
        completing[0] = true;
        try {
            completion.run();
        } finally {
            completing[0] = false;
        }
    }

    @Override
    public void execute(Runnable task) {
        if (task instanceof Connection) {
            boolean[] completing = COMPLETING.get();
            if (completing[0]) {
                completing[0] = false;
                try {
                    task.run();
                } finally {
                    completing[0] = true;
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
