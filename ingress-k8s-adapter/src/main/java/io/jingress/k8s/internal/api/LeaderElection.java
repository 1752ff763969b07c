package io.jingress.k8s.internal.api;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election on a {@code coordination.k8s.io/v1} Lease, with fabric8's {@code LeaderElector}.
 * Every replica routes traffic; only the leader writes status and Events. A replica that loses
 * the lease (say, the API server was unreachable past the renew deadline) stands for election
 * again; on close the leader releases the lease so another replica takes over at once.
 *
 * <p>{@link #close()} returns within {@link #RELEASE_WAIT} whatever the API server does: fabric8
 * stops an elector on the thread that cancels it, and its {@code stopLeading} first waits for the
 * elector's lock, which a candidate holds while it retries an unreachable API server (about 16 s
 * with the client's default retries), then releases the Lease over the network. So the elector is
 * cancelled on a thread of its own; a replica that never led has nothing to release and does not
 * wait, a leader waits for its release at most {@link #RELEASE_WAIT}, after which the Lease
 * expires on its own after the lease duration.
 */
public final class LeaderElection implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LeaderElection.class);

    /** How long {@link #close()} waits for a leader to release its Lease. */
    public static final Duration RELEASE_WAIT = Duration.ofSeconds(2);

    /**
     * The Lease timings.
     *
     * @param leaseDuration how long a lease holds without renewal
     * @param renewDeadline how long the leader keeps trying to renew before giving up
     * @param retryPeriod how often candidates try, and the leader renews
     */
    public record Timings(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
        /** client-go's defaults: 15 s, 10 s, 2 s. */
        public static final Timings DEFAULT = new Timings(Duration.ofSeconds(15), Duration.ofSeconds(10),
                Duration.ofSeconds(2));

        public Timings {
            Objects.requireNonNull(leaseDuration, "leaseDuration");
            Objects.requireNonNull(renewDeadline, "renewDeadline");
            Objects.requireNonNull(retryPeriod, "retryPeriod");
            if (renewDeadline.compareTo(leaseDuration) >= 0 || retryPeriod.compareTo(renewDeadline) >= 0) {
                throw new IllegalArgumentException(
                        "need retryPeriod < renewDeadline < leaseDuration, got " + retryPeriod + ", " + renewDeadline
                                + ", " + leaseDuration);
            }
        }
    }

    private final KubernetesClient client;
    private final String namespace;
    private final String leaseName;
    private final String identity;
    private final Timings timings;
    private final Runnable onStartLeading;
    private final Runnable onStopLeading;
    private final AtomicBoolean leader = new AtomicBoolean();
    private volatile boolean closed;
    private volatile CompletableFuture<?> running;

    /**
     * @param client the client
     * @param namespace the Lease's namespace (the controller's)
     * @param leaseName the Lease's name ({@code --election-id})
     * @param identity this replica's name in the Lease
     * @param timings the Lease timings
     * @param onStartLeading called when this replica becomes the leader
     * @param onStopLeading called when it stops being the leader
     */
    public LeaderElection(KubernetesClient client, String namespace, String leaseName, String identity,
            Timings timings, Runnable onStartLeading, Runnable onStopLeading) {
        this.client = Objects.requireNonNull(client, "client");
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        this.leaseName = Objects.requireNonNull(leaseName, "leaseName");
        this.identity = Objects.requireNonNull(identity, "identity");
        this.timings = Objects.requireNonNull(timings, "timings");
        this.onStartLeading = Objects.requireNonNull(onStartLeading, "onStartLeading");
        this.onStopLeading = Objects.requireNonNull(onStopLeading, "onStopLeading");
    }

    public void start() {
        if (closed) {
            return;
        }
        LeaderCallbacks callbacks = new LeaderCallbacks(
                () -> {
                    leader.set(true);
                    LOG.info("leader election: {} now leads Lease {}/{}", identity, namespace, leaseName);
                    onStartLeading.run();
                },
                () -> {
                    if (leader.getAndSet(false)) {
                        LOG.info("leader election: {} stopped leading Lease {}/{}", identity, namespace, leaseName);
                        onStopLeading.run();
                    }
                },
                newLeader -> LOG.debug("leader election: Lease {}/{} is held by {}", namespace, leaseName, newLeader));
        CompletableFuture<?> future = client.leaderElector()
                .withConfig(new LeaderElectionConfigBuilder()
                        .withName(leaseName)
                        .withLock(new LeaseLock(namespace, leaseName, identity))
                        .withLeaseDuration(timings.leaseDuration())
                        .withRenewDeadline(timings.renewDeadline())
                        .withRetryPeriod(timings.retryPeriod())
                        .withReleaseOnCancel(true)
                        .withLeaderCallbacks(callbacks)
                        .build())
                .build()
                .start();
        running = future;
        if (closed) {  // closed while this was starting: close() may have cancelled the previous one
            cancelAsync(future);
            return;
        }
        future.whenComplete((ok, error) -> {
            if (leader.getAndSet(false)) {
                onStopLeading.run();
            }
            if (!closed) {
                // fabric8's elector ends when leadership is lost; stand again
                LOG.info("leader election: {} stands again for Lease {}/{}", identity, namespace, leaseName);
                CompletableFuture.runAsync(this::start, CompletableFuture.delayedExecutor(
                        timings.retryPeriod().toMillis(), TimeUnit.MILLISECONDS));
            }
        });
    }

    public boolean isLeader() {
        return leader.get();
    }

    public String identity() {
        return identity;
    }

    /** Stops standing for election; a leader releases the Lease, waiting for it at most {@link #RELEASE_WAIT}. */
    @Override
    public void close() {
        closed = true;
        CompletableFuture<?> future = running;
        if (future == null) {
            return;
        }
        boolean wasLeader = leader.get();
        Thread canceller = cancelAsync(future);
        if (!wasLeader) {
            return;
        }
        try {
            canceller.join(RELEASE_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (canceller.isAlive()) {
            LOG.warn("leader election: {} could not release Lease {}/{} within {}; it expires after {}", identity,
                    namespace, leaseName, RELEASE_WAIT, timings.leaseDuration());
        }
    }

    private Thread cancelAsync(CompletableFuture<?> future) {
        Thread canceller = new Thread(() -> future.cancel(true), "jingress-lease-release");
        canceller.setDaemon(true);
        canceller.start();
        return canceller;
    }
}
