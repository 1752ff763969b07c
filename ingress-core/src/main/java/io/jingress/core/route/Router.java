package io.jingress.core.route;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The current {@link RouteTable}, swapped atomically: readers never block and never see half an
 * update.
 *
 * <pre>{@code
 * Router router = Router.create();
 * router.swap(RouteCompiler.create(balancers).compile(state));
 * MatchResult result = router.current().match(host, path);
 * }</pre>
 */
public final class Router {
    private static final System.Logger LOG = System.getLogger(Router.class.getName());

    private final Clock clock;
    private final AtomicReference<RouteTable> current = new AtomicReference<>(RouteTable.empty());
    private final AtomicLong swapCount = new AtomicLong();
    private final List<Consumer<RouteTable>> listeners = new CopyOnWriteArrayList<>();
    private volatile Instant lastSwap;

    private Router(Clock clock) {
        this.clock = clock;
    }

    /** A router on the system clock, holding {@link RouteTable#empty()} until the first swap. */
    public static Router create() {
        return new Router(Clock.systemUTC());
    }

    /** A router that reads swap times from {@code clock}. */
    public static Router create(Clock clock) {
        return new Router(Objects.requireNonNull(clock, "clock"));
    }

    /** The table being served; {@link RouteTable#empty()} before the first swap. */
    public RouteTable current() {
        return current.get();
    }

    /**
     * Publishes {@code table}, then tells the listeners (on this thread, in the order added).
     *
     * @return the table it replaced
     */
    public RouteTable swap(RouteTable table) {
        Objects.requireNonNull(table, "table");
        RouteTable previous = current.getAndSet(table);
        lastSwap = clock.instant();
        swapCount.incrementAndGet();
        for (Consumer<RouteTable> listener : listeners) {
            try {
                listener.accept(table);
            } catch (RuntimeException e) {
                // one broken listener must not keep the others from hearing of the new table
                LOG.log(Level.WARNING, "route table listener " + listener + " failed", e);
            }
        }
        return previous;
    }

    /** Whether a table has been swapped in (false until the first {@link #swap}). */
    public boolean hasTable() {
        return swapCount.get() > 0;
    }

    /** How many times a table was swapped in. */
    public long swapCount() {
        return swapCount.get();
    }

    /** When the last swap happened, or {@code null} before the first. */
    public Instant lastSwap() {
        return lastSwap;
    }

    /** Calls {@code listener} with every table swapped in from now on. */
    public void addListener(Consumer<RouteTable> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Stops calling {@code listener}. */
    public void removeListener(Consumer<RouteTable> listener) {
        listeners.remove(listener);
    }
}
