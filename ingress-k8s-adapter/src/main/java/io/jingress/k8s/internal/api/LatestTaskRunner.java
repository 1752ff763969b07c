package io.jingress.k8s.internal.api;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs writes to the API server off the rebuild thread, keeping only the newest pending task: a
 * task is a whole pass (all statuses, all Events) computed from one build, so an older one that
 * has not started is worthless once a newer one exists. A task that reports failure is retried
 * after a delay unless a newer one arrived meanwhile.
 */
public final class LatestTaskRunner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LatestTaskRunner.class);

    private final ScheduledExecutorService executor;
    private final Duration retryDelay;
    private final AtomicReference<BooleanSupplier> pending = new AtomicReference<>();

    public LatestTaskRunner(String threadName, Duration retryDelay) {
        this.retryDelay = Objects.requireNonNull(retryDelay, "retryDelay");
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    /** Makes {@code task} the next to run, replacing a pending one. */
    public void submit(BooleanSupplier task) {
        Objects.requireNonNull(task, "task");
        if (pending.getAndSet(task) == null) {
            schedule(0);
        }
    }

    private void schedule(long delayMillis) {
        try {
            executor.schedule(this::runPending, delayMillis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            // closing: pending work is dropped, the next leader redoes it
        }
    }

    private void runPending() {
        BooleanSupplier task = pending.getAndSet(null);
        if (task == null) {
            return;
        }
        boolean ok;
        try {
            ok = task.getAsBoolean();
        } catch (RuntimeException e) {
            LOG.warn("write to the API server failed; retrying in {} ms", retryDelay.toMillis(), e);
            ok = false;
        }
        if (!ok && pending.compareAndSet(null, task)) {
            schedule(retryDelay.toMillis());
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
