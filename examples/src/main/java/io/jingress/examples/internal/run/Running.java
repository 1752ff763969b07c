package io.jingress.examples.internal.run;

import io.jingress.core.route.Router;
import io.jingress.jetty.IngressServer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a launch started: the server, and what feeds it (pods, a route source), stopped in the
 * reverse order: first the server, so requests in flight drain while their backends still answer.
 */
public final class Running {

    private static final Logger log = LoggerFactory.getLogger("io.jingress.examples.Main");

    private final IngressServer server;
    private final Router router;
    private final List<AutoCloseable> feeders;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final CountDownLatch closed = new CountDownLatch(1);

    Running(IngressServer server, Router router, List<AutoCloseable> feeders) {
        this.server = Objects.requireNonNull(server, "server");
        this.router = Objects.requireNonNull(router, "router");
        this.feeders = List.copyOf(feeders);
    }

    public IngressServer server() {
        return server;
    }

    public Router router() {
        return router;
    }

    /** Stops the server (draining requests in flight), then the route source and the pods. */
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            awaitClosedUninterruptibly();
            return;
        }
        try {
            log.info("stopping: draining requests in flight");
            server.stop();
        } catch (RuntimeException e) {
            log.warn("the server did not stop cleanly: {}", e.getMessage());
        } finally {
            List<AutoCloseable> reversed = new ArrayList<>(feeders);
            Collections.reverse(reversed);
            for (AutoCloseable feeder : reversed) {
                try {
                    feeder.close();
                } catch (Exception e) {
                    log.warn("{} did not stop cleanly: {}", feeder, e.getMessage());
                }
            }
            log.info("stopped");
            closed.countDown();
        }
    }

    /** Blocks until {@link #close()} has finished. */
    public void awaitClosed() throws InterruptedException {
        closed.await();
    }

    /** Waits up to {@code millis} for {@link #close()} to finish; false on timeout. */
    public boolean awaitClosed(long millis) throws InterruptedException {
        return closed.await(millis, TimeUnit.MILLISECONDS);
    }

    private void awaitClosedUninterruptibly() {
        boolean interrupted = false;
        while (true) {
            try {
                closed.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
