package io.jingress.k8s.internal.api;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jingress.core.model.Problem;
import io.jingress.core.route.GatewayStatus;
import io.jingress.core.route.RouteTable;
import io.jingress.k8s.AdapterOptions;
import io.jingress.k8s.RouteSink;
import io.jingress.k8s.internal.translate.ClusterStateAssembler;
import io.jingress.k8s.internal.translate.LastGoodIngresses;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API-server source at work: informers feed one {@link RebuildLoop}, which assembles the
 * state from the caches and hands it to the sink; the leader then brings Ingress status and
 * Events in line on a writer thread.
 */
public final class Controller implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Controller.class);
    /** How long a rebuild waits for the first list of a ConfigMap an Ingress newly names (custom-headers). */
    private static final Duration CONFIG_MAP_WAIT = Duration.ofSeconds(5);

    /**
     * Everything the controller needs.
     *
     * @param client the client (not closed by the controller)
     * @param options the shared options
     * @param sink where each new state goes
     * @param validator every ERROR problem of one Ingress (the core's validation)
     * @param quietPeriod the rebuild quiet period
     * @param maxDelay the longest a change waits under continuous change
     * @param minInterval the least time between the starts of two rebuilds
     * @param election the Lease timings, or {@code null} to write status without electing (one replica)
     * @param electionNamespace the Lease's namespace
     * @param identity this replica's name
     * @param writeRetry how long to wait before retrying failed status or Event writes
     * @param gatewayApiRecheck how often discovery is asked again while the Gateway API CRDs are not installed
     * @param gatewayController the {@code spec.controllerName} of our GatewayClasses (their status is ours to write)
     */
    public record Settings(KubernetesClient client, AdapterOptions options, RouteSink sink,
            Function<io.jingress.core.model.Ingress, List<Problem>> validator, Duration quietPeriod, Duration maxDelay,
            Duration minInterval, LeaderElection.Timings election, String electionNamespace, String identity, Duration writeRetry,
            Duration gatewayApiRecheck, String gatewayController) {

        public Settings {
            Objects.requireNonNull(client, "client");
            Objects.requireNonNull(options, "options");
            Objects.requireNonNull(sink, "sink");
            Objects.requireNonNull(validator, "validator");
            Objects.requireNonNull(quietPeriod, "quietPeriod");
            Objects.requireNonNull(maxDelay, "maxDelay");
            Objects.requireNonNull(minInterval, "minInterval");
            Objects.requireNonNull(electionNamespace, "electionNamespace");
            Objects.requireNonNull(identity, "identity");
            Objects.requireNonNull(writeRetry, "writeRetry");
            Objects.requireNonNull(gatewayApiRecheck, "gatewayApiRecheck");
            Objects.requireNonNull(gatewayController, "gatewayController");
        }
    }

    /**
     * What one build decided, for the writer thread (which reads the objects' current status itself):
     * the Ingresses served and rejected; the Gateway API verdicts ({@code null} when the sink compiles
     * no table) and the generation each Gateway and HTTPRoute had in the build ({@code Kind ns/name}).
     */
    private record Pass(Set<String> served, Map<String, String> rejected, GatewayStatus verdicts,
            Map<String, Long> generations) {
    }

    private final Settings settings;
    private final ClusterInformers informers;
    private final RebuildLoop loop;
    private final LatestTaskRunner writer;
    private final StatusWriter status;
    private final GatewayClassStatusWriter gatewayClassStatus;
    private final GatewayStatusWriter gatewayStatus;
    private final RejectionEvents events;
    private final LeaderElection election;
    private final AtomicBoolean built = new AtomicBoolean();
    private final LastGoodIngresses lastGood = new LastGoodIngresses(); // rebuild thread only
    private volatile Pass lastPass;
    // status overwritten by someone else: one delayed correction at a time (see onStatusChange)
    private final ScheduledExecutorService corrections = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "jingress-status-correction");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean correctionPending = new AtomicBoolean();

    public Controller(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.loop = new RebuildLoop("jingress-rebuild", settings.quietPeriod(), settings.maxDelay(),
                settings.minInterval(), this::ready,
                this::rebuild, System::nanoTime);
        this.informers = new ClusterInformers(settings.client(), settings.options().watchNamespaces(), loop::signal,
                settings.gatewayApiRecheck());
        String publishService = settings.options().publishService();
        if (publishService != null) {
            String[] nsName = publishService.split("/", 2);
            informers.alsoWatchService(nsName[0], nsName[1]);
        }
        String defaultCertificate = settings.options().defaultSslCertificate();
        if (defaultCertificate != null) {
            String[] nsName = defaultCertificate.split("/", 2);
            informers.alsoWatchTlsSecret(nsName[0], nsName[1]);
        }
        if (settings.options().watchNamespaceSelector() != null) {
            informers.alsoWatchNamespaces();
        }
        String defaultBackend = settings.options().defaultBackendService();
        if (defaultBackend != null) {
            String[] nsName = defaultBackend.split("/", 2);
            informers.alsoWatchBackendService(nsName[0], nsName[1]);
        }
        if (settings.options().tcpServicesConfigMap() != null) {
            informers.alsoWatchConfigMap(settings.options().tcpServicesConfigMap());
        }
        if (settings.options().configMap() != null) {
            informers.alsoWatchConfigMap(settings.options().configMap());
        }
        informers.onStatusChange(this::onStatusChange);
        this.writer = new LatestTaskRunner("jingress-status", settings.writeRetry());
        this.status = new StatusWriter(settings.client());
        this.gatewayClassStatus = new GatewayClassStatusWriter(settings.client(), java.time.Clock.systemUTC());
        this.gatewayStatus = new GatewayStatusWriter(settings.client(), java.time.Clock.systemUTC());
        this.events = new RejectionEvents(settings.client(), settings.identity());
        this.election = settings.election() == null ? null
                : new LeaderElection(settings.client(), settings.electionNamespace(), settings.options().electionId(),
                        settings.identity(), settings.election(), this::onStartLeading, () -> { });
    }

    public void start() {
        loop.start();
        informers.start();
        // an empty cluster sends no events: build once the informers have synced anyway
        loop.signal();
        if (election != null) {
            election.start();
        }
    }

    /** Waits until the first table was delivered. */
    public boolean awaitFirstBuild(Duration timeout) throws InterruptedException {
        return loop.awaitFirstBuild(timeout);
    }

    public long buildCount() {
        return loop.buildCount();
    }

    public Duration lastLatency() {
        return loop.lastLatency();
    }

    public Duration maxLatency() {
        return loop.maxLatency();
    }

    public boolean isLeader() {
        return election == null || election.isLeader();
    }

    public long statusWriteCount() {
        return status.writeCount() + gatewayClassStatus.writeCount() + gatewayStatus.writeCount();
    }

    public boolean isSynced() {
        return informers.synced();
    }

    public boolean isWatching() {
        return informers.whole();
    }

    private boolean ready() {
        return informers.whole();
    }

    private void rebuild() {
        List<Ingress> ingresses = informers.ingresses();
        List<HasMetadata> objects = new ArrayList<>(ingresses);
        objects.addAll(informers.ingressClasses());
        objects.addAll(informers.services());
        objects.addAll(informers.endpointSlices());
        objects.addAll(informers.tlsSecrets());
        objects.addAll(informers.opaqueSecrets());
        objects.addAll(informers.gatewayObjects());
        objects.addAll(informers.namespaceObjects());  // --watch-namespace-selector reads their labels
        // as in file mode: an edit that breaks a working Ingress leaves its last good version serving
        LastGoodIngresses.Result kept = lastGood.apply(settings.options(), objects);
        ClusterStateAssembler.Assembly assembly = ClusterStateAssembler.assemble(settings.options(), kept.objects());
        // custom-headers: the ConfigMaps our Ingresses name, watched from now on, then assembled with them;
        // the CA ConfigMaps of BackendTLSPolicies and the TCP services ConfigMap, watched alike
        Set<String> configMaps = new TreeSet<>(ClusterStateAssembler.configMapsNamed(assembly.state().ingresses()));
        configMaps.addAll(ClusterStateAssembler.configMapsNamedByPolicies(assembly.state().backendTlsPolicies()));
        if (settings.options().tcpServicesConfigMap() != null) {
            configMaps.add(settings.options().tcpServicesConfigMap());
        }
        if (settings.options().configMap() != null) {
            configMaps.add(settings.options().configMap());
            // the header ConfigMaps it names (add-headers, proxy-set-headers) as it reads now: kept
            // watched, not stopped here and started again below at each rebuild
            configMaps.addAll(ClusterStateAssembler.configMapsNamedByController(settings.options(), informers.configMaps()));
        }
        try {
            informers.watchConfigMaps(configMaps, CONFIG_MAP_WAIT);
            // and as it reads once listed (the first time, or after an edit that names others)
            Set<String> named = ClusterStateAssembler.configMapsNamedByController(settings.options(), informers.configMaps());
            if (!configMaps.containsAll(named)) {
                named.forEach(informers::alsoWatchConfigMap);
                configMaps.addAll(named);
                informers.watchConfigMaps(configMaps, CONFIG_MAP_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!configMaps.isEmpty()) {
            List<HasMetadata> withConfigMaps = new ArrayList<>(kept.objects());
            withConfigMaps.addAll(informers.configMaps());
            assembly = ClusterStateAssembler.assemble(settings.options(), withConfigMaps);
        }
        List<Problem> sourceProblems = new ArrayList<>(assembly.problems());
        sourceProblems.addAll(kept.problems());

        IngressCounts counts = IngressCounts.of(assembly.state(), sourceProblems, settings.validator());

        settings.sink().accept(assembly.state(), sourceProblems);
        if (built.compareAndSet(false, true)) {
            // ignored: of other classes, or without one when that is not ours
            Set<String> namespaces = new TreeSet<>(settings.options().watchNamespaces());
            LOG.info("serving routes of {}{}", counts.describe(assembly.ignored().size()),
                    namespaces.isEmpty() ? "" : " in namespace" + (namespaces.size() == 1 ? " " : "s ")
                            + String.join(", ", namespaces));
        }

        RouteTable table = settings.sink().table();
        Map<String, Long> generations = new HashMap<>();
        for (HasMetadata object : objects) {
            if (object instanceof Gateway || object instanceof HTTPRoute || object instanceof GRPCRoute
                    || object instanceof io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicy) {
                Long generation = object.getMetadata().getGeneration();
                String kind = object instanceof Gateway ? "Gateway " : object instanceof HTTPRoute ? "HTTPRoute "
                        : object instanceof GRPCRoute ? "GRPCRoute " : "BackendTLSPolicy ";
                generations.put(kind + object.getMetadata().getNamespace() + "/"
                        + object.getMetadata().getName(), generation == null ? 0L : generation);
            }
        }
        Pass pass = new Pass(counts.served(), counts.rejected(), table == null ? null : table.gatewayStatus(), generations);
        lastPass = pass;
        if (isLeader()) {
            writer.submit(() -> write(pass));
        }
    }

    /**
     * A status-only update of an Ingress: our own write coming back needs nothing; when an Ingress we
     * serve no longer shows our addresses (someone overwrote them), the leader writes them back
     * after the write-retry delay, as ingress-nginx's periodic status sync does. Overwrites within
     * that delay are corrected together, so a controller fighting over the status (two
     * controllers of one class with different addresses) gets one round of writes per delay from
     * us, not one per write of theirs.
     */
    private void onStatusChange(Ingress ingress) {
        Pass pass = lastPass;
        if (pass == null || !isLeader()
                || !pass.served().contains(ingress.getMetadata().getNamespace() + "/" + ingress.getMetadata().getName())) {
            return;
        }
        Set<String> ours = PublishAddresses.keys(addresses());
        if (ours.isEmpty()) {
            return;
        }
        List<IngressLoadBalancerIngress> now = ingress.getStatus() == null || ingress.getStatus().getLoadBalancer() == null
                || ingress.getStatus().getLoadBalancer().getIngress() == null
                ? List.of() : ingress.getStatus().getLoadBalancer().getIngress();
        if (!PublishAddresses.keys(now).equals(ours) && correctionPending.compareAndSet(false, true)) {
            try {
                corrections.schedule(() -> {
                    correctionPending.set(false);
                    Pass latest = lastPass;
                    if (latest != null && isLeader()) {
                        writer.submit(() -> write(latest));
                    }
                }, settings.writeRetry().toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException closed) {
                correctionPending.set(false);
            }
        }
    }

    private void onStartLeading() {
        events.forgetPublished();
        Pass pass = lastPass;
        if (pass != null) {
            writer.submit(() -> write(pass));
        }
    }

    /** The leader's writes for one pass; blocking, on the writer thread. */
    private boolean write(Pass pass) {
        if (!isLeader()) {
            return true;
        }
        List<Ingress> ingresses = informers.ingresses();
        boolean ok = status.apply(ingresses, pass.served(), addresses());
        Map<String, Ingress> byKey = new HashMap<>();
        for (Ingress ingress : ingresses) {
            byKey.put(ingress.getMetadata().getNamespace() + "/" + ingress.getMetadata().getName(), ingress);
        }
        ok &= events.publish(pass.rejected(), byKey);
        List<io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass> gatewayClasses = new ArrayList<>();
        for (HasMetadata object : informers.gatewayObjects()) {
            if (object instanceof io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass gatewayClass) {
                gatewayClasses.add(gatewayClass);
            }
        }
        ok &= gatewayClassStatus.apply(gatewayClasses, settings.gatewayController());
        if (pass.verdicts() != null) {
            ok &= gatewayStatus.apply(informers.gatewayObjects(), pass.verdicts(), pass.generations(),
                    settings.gatewayController(), addresses());
        }
        return ok;
    }

    private List<IngressLoadBalancerIngress> addresses() {
        AdapterOptions options = settings.options();
        if (!options.publishStatusAddresses().isEmpty()) {
            return PublishAddresses.parse(String.join(",", options.publishStatusAddresses()));
        }
        if (options.publishService() == null) {
            return List.of();
        }
        String[] nsName = options.publishService().split("/", 2);
        io.fabric8.kubernetes.api.model.Service service = informers.service(nsName[0], nsName[1]);
        if (service == null) {
            LOG.debug("--publish-service {}: no such Service; status left as it is", options.publishService());
        }
        return PublishAddresses.fromService(service);
    }

    @Override
    public void close() {
        if (election != null) {
            election.close();
        }
        loop.close();
        informers.close();
        corrections.shutdownNow();
        writer.close();
    }
}
