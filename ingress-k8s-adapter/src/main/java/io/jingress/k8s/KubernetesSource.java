package io.jingress.k8s;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jingress.core.model.IngressValidator;
import io.jingress.k8s.internal.api.ApiClients;
import io.jingress.k8s.internal.api.Controller;
import io.jingress.k8s.internal.api.LeaderElection;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Routes from a Kubernetes API server: informers on Ingress, IngressClass, Service, EndpointSlice
 * and Secret (and on each ConfigMap that a {@code custom-headers} names, alone, by name, so no
 * other ConfigMap is cached) feed the {@link RouteSink} with the whole current state,
 * rebuilt once per burst of changes and only while every informer is synced and watching (so a
 * watch hiccup never empties the table: the last one keeps serving). The replica that holds the
 * Lease named by {@link AdapterOptions#electionId()} writes Ingress status and Events for rejected
 * Ingresses; every replica routes.
 *
 * <pre>{@code
 * Router router = Router.create();
 * try (KubernetesSource source = KubernetesSource.builder(RouteUpdater.create(router))
 *         .kubeconfig(Path.of(System.getProperty("user.home"), ".kube/config"))
 *         .options(AdapterOptions.builder().publishStatusAddresses(List.of("203.0.113.7")).build())
 *         .build()
 *         .start()) {
 *     source.awaitServing(Duration.ofSeconds(30));
 *     // router.current() now routes the cluster's Ingresses of class "jingress"
 * }
 * }</pre>
 *
 * <p>Problems (rejected Ingresses, objects that cannot be translated) go to the sink with each
 * state; a {@link RouteUpdater} logs each once. The leader also writes a {@code Warning} Event with
 * reason {@code Rejected} on each rejected Ingress, once per distinct set of problems.
 *
 * <p>The client never uses an HTTP proxy from the environment ({@code HTTPS_PROXY} and the like)
 * unless {@link Builder#useEnvProxy(boolean)} says so.
 */
public final class KubernetesSource implements AutoCloseable {

    private final Controller controller;
    private final KubernetesClient ownedClient;
    private final String identity;

    private KubernetesSource(Controller controller, KubernetesClient ownedClient, String identity) {
        this.controller = controller;
        this.ownedClient = ownedClient;
        this.identity = identity;
    }

    /** A builder delivering to {@code sink}. */
    public static Builder builder(RouteSink sink) {
        return new Builder(sink);
    }

    /** Starts the informers, the rebuild thread and the leader election; returns at once. */
    public KubernetesSource start() {
        controller.start();
        return this;
    }

    /** Waits until the first state was delivered (every informer synced); false on timeout. */
    public boolean awaitServing(Duration timeout) throws InterruptedException {
        return controller.awaitFirstBuild(Objects.requireNonNull(timeout, "timeout"));
    }

    /** Whether every informer has finished its first list. */
    public boolean isSynced() {
        return controller.isSynced();
    }

    /**
     * Whether every informer is synced and its watch is open. While not (the API server is gone, a
     * watch is reconnecting), no new state is delivered and the last one keeps serving.
     */
    public boolean isWatching() {
        return controller.isWatching();
    }

    /** How many states were delivered to the sink so far. */
    public long buildCount() {
        return controller.buildCount();
    }

    /**
     * For the last delivery: the time from the first API event it covers to the sink having taken
     * the new state (with a {@code RouteUpdater}: compiled and swapped in, so serving). Empty
     * until a change after the first delivery: the first waits for the initial sync, which is
     * start-up time rather than change latency.
     */
    public Optional<Duration> lastLatency() {
        return Optional.ofNullable(controller.lastLatency());
    }

    /** The longest such latency so far. */
    public Optional<Duration> maxLatency() {
        return Optional.ofNullable(controller.maxLatency());
    }

    /** Whether this replica holds the Lease (always true without leader election). */
    public boolean isLeader() {
        return controller.isLeader();
    }

    /** This replica's name in the Lease and in Events. */
    public String identity() {
        return identity;
    }

    /** How many Ingress statuses this replica wrote. */
    public long statusWrites() {
        return controller.statusWriteCount();
    }

    /** Stops everything; the leader releases the Lease. The sink keeps its last state. */
    @Override
    public void close() {
        controller.close();
        if (ownedClient != null) {
            ownedClient.close();
        }
    }

    /** Builds a {@link KubernetesSource}. Give exactly one of kubeconfig, in-cluster, config or client. */
    public static final class Builder {
        private final RouteSink sink;
        private AdapterOptions options = AdapterOptions.defaults();
        private Path kubeconfig;
        private String context;
        private boolean inCluster;
        private Config config;
        private KubernetesClient client;
        private boolean useEnvProxy;
        private Duration quietPeriod = Duration.ofMillis(100);
        private Duration maxDelay = Duration.ofSeconds(1);
        private Duration minInterval = Duration.ofSeconds(1);
        private boolean leaderElection = true;
        private LeaderElection.Timings leaseTimings = LeaderElection.Timings.DEFAULT;
        private String electionNamespace;
        private String identity;
        private Duration writeRetry = Duration.ofSeconds(5);
        private Duration gatewayApiRecheck = Duration.ofMinutes(1);
        private String gatewayController = io.jingress.core.model.GatewayClass.JINGRESS_CONTROLLER;

        private Builder(RouteSink sink) {
            this.sink = Objects.requireNonNull(sink, "sink");
        }

        public Builder options(AdapterOptions options) {
            this.options = Objects.requireNonNull(options, "options");
            return this;
        }

        /** {@code --kubeconfig}: the cluster, user and namespace from a kubeconfig file. */
        public Builder kubeconfig(Path kubeconfig) {
            this.kubeconfig = Objects.requireNonNull(kubeconfig, "kubeconfig");
            return this;
        }

        /** {@code --context}: the kubeconfig context to use instead of its current one. */
        public Builder context(String context) {
            this.context = context;
            return this;
        }

        /** {@code --in-cluster}: the service account of the Pod this runs in. */
        public Builder inCluster() {
            this.inCluster = true;
            return this;
        }

        /** A fabric8 configuration (its proxy settings are cleared unless {@link #useEnvProxy}). */
        public Builder config(Config config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /** A client built elsewhere, used as it is and not closed by the source. */
        public Builder client(KubernetesClient client) {
            this.client = Objects.requireNonNull(client, "client");
            return this;
        }

        /** Whether to go through the HTTP proxy the environment or kubeconfig names (default false). */
        public Builder useEnvProxy(boolean useEnvProxy) {
            this.useEnvProxy = useEnvProxy;
            return this;
        }

        /**
         * How changes coalesce: a rebuild runs once no change came for {@code quietPeriod}, and at
         * the latest {@code maxDelay} after the first change (defaults 100 ms and 1 s), with no
         * least interval between rebuilds.
         */
        public Builder coalescing(Duration quietPeriod, Duration maxDelay) {
            return coalescing(quietPeriod, maxDelay, Duration.ZERO);
        }

        /**
         * How changes coalesce: a rebuild runs once no change came for {@code quietPeriod}, at the
         * latest {@code maxDelay} after the first change, and never sooner than {@code minInterval}
         * after the previous rebuild started (defaults 100 ms, 1 s and 1 s: a single change is served
         * in about 100 ms; a burst of changes arriving over several seconds gives about one rebuild
         * a second).
         */
        public Builder coalescing(Duration quietPeriod, Duration maxDelay, Duration minInterval) {
            this.quietPeriod = Objects.requireNonNull(quietPeriod, "quietPeriod");
            this.maxDelay = Objects.requireNonNull(maxDelay, "maxDelay");
            this.minInterval = Objects.requireNonNull(minInterval, "minInterval");
            return this;
        }

        /**
         * Whether to elect a leader on the Lease (default true). Without, this replica writes
         * status and Events itself: only for a single replica.
         */
        public Builder leaderElection(boolean leaderElection) {
            this.leaderElection = leaderElection;
            return this;
        }

        /** The Lease timings (defaults 15 s lease, 10 s renew deadline, 2 s retry, as client-go). */
        public Builder leaseTimings(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
            this.leaseTimings = new LeaderElection.Timings(leaseDuration, renewDeadline, retryPeriod);
            return this;
        }

        /**
         * The Lease's namespace: the controller's own. Default: {@code POD_NAMESPACE} from the
         * environment, else the client's namespace, else {@code default}.
         */
        public Builder electionNamespace(String electionNamespace) {
            this.electionNamespace = Objects.requireNonNull(electionNamespace, "electionNamespace");
            return this;
        }

        /** This replica's name in the Lease; default the host name plus a random suffix. */
        public Builder identity(String identity) {
            this.identity = Objects.requireNonNull(identity, "identity");
            return this;
        }

        /**
         * How long to wait before retrying failed status or Event writes, and before writing back a
         * status someone else overwrote (default 5 s).
         */
        public Builder writeRetry(Duration writeRetry) {
            this.writeRetry = Objects.requireNonNull(writeRetry, "writeRetry");
            return this;
        }

        /**
         * How often API discovery is asked again whether the Gateway API CRDs are installed, while
         * they are not (default 1 minute): HTTPRoutes of CRDs installed later are served from the
         * next check on, without a restart.
         */
        public Builder gatewayApiRecheck(Duration gatewayApiRecheck) {
            this.gatewayApiRecheck = Objects.requireNonNull(gatewayApiRecheck, "gatewayApiRecheck");
            return this;
        }

        /**
         * The {@code spec.controllerName} of our GatewayClasses, whose status ({@code Accepted=True})
         * the leader writes (default {@code jingress.io/gateway-controller}); give the sink's
         * compiler the same name ({@code RouteCompiler.withGatewayController}).
         */
        public Builder gatewayController(String gatewayController) {
            this.gatewayController = Objects.requireNonNull(gatewayController, "gatewayController");
            return this;
        }

        public KubernetesSource build() {
            int given = (kubeconfig != null ? 1 : 0) + (inCluster ? 1 : 0) + (config != null ? 1 : 0)
                    + (client != null ? 1 : 0);
            if (given != 1) {
                throw new IllegalStateException(
                        "give exactly one of kubeconfig, inCluster, config and client (got " + given + ")");
            }
            if (context != null && kubeconfig == null) {
                throw new IllegalStateException("context " + context + " needs a kubeconfig");
            }
            KubernetesClient owned = null;
            KubernetesClient use = client;
            if (use == null) {
                Config resolved = kubeconfig != null ? ApiClients.fromKubeconfig(kubeconfig, context, useEnvProxy)
                        : inCluster ? ApiClients.inCluster(useEnvProxy)
                        : ApiClients.proxyPolicy(config, useEnvProxy);
                owned = ApiClients.client(resolved);
                use = owned;
            }
            String id = identity != null ? identity : defaultIdentity();
            String leaseNamespace = electionNamespace != null ? electionNamespace : defaultNamespace(use);
            Controller controller = new Controller(new Controller.Settings(use, options, sink,
                    IngressValidator::validate, quietPeriod, maxDelay, minInterval, leaderElection ? leaseTimings : null,
                    leaseNamespace, id, writeRetry, gatewayApiRecheck, gatewayController));
            return new KubernetesSource(controller, owned, id);
        }

        private static String defaultIdentity() {
            String host = System.getenv("HOSTNAME");
            if (host == null || host.isBlank()) {
                try {
                    host = InetAddress.getLocalHost().getHostName();
                } catch (UnknownHostException e) {
                    host = "jingress";
                }
            }
            return host + "_" + UUID.randomUUID().toString().substring(0, 8);
        }

        private static String defaultNamespace(KubernetesClient client) {
            String ns = System.getenv("POD_NAMESPACE");
            if (ns == null || ns.isBlank()) {
                ns = client.getNamespace();
            }
            return ns == null || ns.isBlank() ? "default" : ns;
        }
    }
}
