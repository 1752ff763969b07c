package io.jingress.k8s.internal.api;

import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicy;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The informers on the Gateway API kinds (GatewayClass, cluster-scoped; Gateway, HTTPRoute,
 * GRPCRoute, BackendTLSPolicy and ReferenceGrant in all namespaces or in each watched one), started
 * only once API discovery says their CRDs are installed.
 *
 * <p>Most clusters have no Gateway API CRDs; an informer on a kind the API server does not know
 * would fail its list with 404 forever (fabric8 logging a WARNING each time) and never sync, so
 * the first build would never come. Instead discovery is asked first ({@code GET
 * /apis/gateway.networking.k8s.io/v1}, and {@code v1beta1} for ReferenceGrant where {@code v1} does
 * not serve it): without the CRDs, one INFO line is logged, Ingresses are served as before, and
 * discovery is asked again every {@code recheck}, so CRDs installed later are picked up without a
 * restart (one INFO line again). When the CRDs are removed, the informers' lists answer 404: the
 * informers are stopped and discovery is asked again as when they were absent. When the ClusterRole
 * does not grant the kinds (403), the informers are stopped with one WARNING, until a restart.
 * GRPCRoutes are watched where {@code v1} serves them (Gateway API 1.1 on), BackendTLSPolicies
 * likewise (1.4 on); a ClusterRole of an earlier Jingress that does not grant one of these stops
 * its informers alone, with one WARNING: the other kinds are served as before.
 *
 * <p>{@link #synced()} and {@link #whole()} hold once discovery has answered (or failed: a failing
 * discovery never blocks the Ingresses) and, when the kinds are there, their informers are synced
 * and watching.
 */
final class GatewayInformers implements AutoCloseable {

    static final String GROUP = "gateway.networking.k8s.io";
    static final String ABSENT_MESSAGE = "Gateway API CRDs not installed: HTTPRoutes are not served";
    static final String FORBIDDEN_MESSAGE = "Gateway API CRDs installed, but the ClusterRole does not allow"
            + " listing them (403): HTTPRoutes are not served; grant list and watch on gatewayclasses, gateways,"
            + " httproutes, grpcroutes, backendtlspolicies and referencegrants (gateway.networking.k8s.io) and restart";
    static final String GRPC_FORBIDDEN_MESSAGE = "the ClusterRole does not allow listing GRPCRoutes (403): GRPCRoutes"
            + " are not served (HTTPRoutes are); grant list and watch on grpcroutes and grpcroutes/status"
            + " (gateway.networking.k8s.io) and restart";
    static final String TLS_POLICY_FORBIDDEN_MESSAGE = "the ClusterRole does not allow listing BackendTLSPolicies (403):"
            + " they are not read, and the Services they target are spoken to in cleartext; grant list and watch on"
            + " backendtlspolicies and backendtlspolicies/status (gateway.networking.k8s.io) and restart";
    private static final Class<io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrant> GRANT_V1 =
            io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrant.class;
    private static final Class<io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant> GRANT_V1BETA1 =
            io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant.class;
    /** How soon discovery is asked again after it failed (the API server not answering, say). */
    private static final Duration FAILED_RETRY = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(GatewayInformers.class);

    private final KubernetesClient client;
    private final Set<String> namespaces;
    private final Runnable onChange;
    private final Duration recheck;
    private final List<SharedIndexInformer<? extends HasMetadata>> informers = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService discovery = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "jingress-gateway-api");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean answered;   // discovery answered (or failed) at least once
    private volatile boolean present;    // informers started (discovery thread writes)
    private boolean absentLogged;        // discovery thread only
    private volatile boolean closing;

    /**
     * @param client the client
     * @param namespaces the namespaces to watch; empty for all
     * @param onChange called on every relevant add, update and delete, and when the kinds appear or go
     * @param recheck how often discovery is asked again while the CRDs are not installed
     */
    GatewayInformers(KubernetesClient client, Set<String> namespaces, Runnable onChange, Duration recheck) {
        this.client = Objects.requireNonNull(client, "client");
        this.namespaces = Set.copyOf(Objects.requireNonNull(namespaces, "namespaces"));
        this.onChange = Objects.requireNonNull(onChange, "onChange");
        this.recheck = Objects.requireNonNull(recheck, "recheck");
    }

    /** Asks discovery in the background; returns at once. */
    void start() {
        schedule(Duration.ZERO);
    }

    private void schedule(Duration delay) {
        if (closing) {
            return;
        }
        try {
            discovery.schedule(this::discover, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            // closing
        }
    }

    private void discover() {
        if (closing || present) {
            return;
        }
        Set<String> v1;
        Set<String> v1beta1;
        try {
            v1 = resources(GROUP + "/v1");
            // ReferenceGrant's older version, asked for only when it matters
            v1beta1 = v1.contains("httproutes") && !v1.contains("referencegrants") ? resources(GROUP + "/v1beta1") : Set.of();
        } catch (RuntimeException e) {
            LOG.debug("Gateway API discovery failed, asking again in {} s: {}", FAILED_RETRY.toSeconds(), e.toString());
            answered = true;  // never hold the Ingresses back for it
            onChange.run();
            schedule(FAILED_RETRY);
            return;
        }
        if (!(v1.contains("gatewayclasses") && v1.contains("gateways") && v1.contains("httproutes"))) {
            if (!absentLogged) {
                absentLogged = true;
                LOG.info(ABSENT_MESSAGE);
            }
            answered = true;
            onChange.run();
            schedule(recheck);
            return;
        }
        List<SharedIndexInformer<? extends HasMetadata>> started = new ArrayList<>();
        started.add(informer(client.resources(GatewayClass.class)));
        // ReferenceGrant: v1 where the CRDs serve it, else v1beta1 (every release before serves that;
        // fabric8 then logs once that the version is a beta)
        boolean grantsV1Served = v1.contains("referencegrants");
        boolean grantsBetaServed = !grantsV1Served && v1beta1.contains("referencegrants");
        boolean grpcServed = v1.contains("grpcroutes");
        boolean tlsPoliciesServed = v1.contains("backendtlspolicies");
        if (namespaces.isEmpty()) {
            started.add(informer(client.resources(Gateway.class).inAnyNamespace()));
            started.add(informer(client.resources(HTTPRoute.class).inAnyNamespace()));
            if (grpcServed) {
                started.add(informer(client.resources(GRPCRoute.class).inAnyNamespace()));
            }
            if (tlsPoliciesServed) {
                started.add(informer(client.resources(BackendTLSPolicy.class).inAnyNamespace()));
            }
            if (grantsV1Served) {
                started.add(informer(client.resources(GRANT_V1).inAnyNamespace()));
            } else if (grantsBetaServed) {
                started.add(informer(client.resources(GRANT_V1BETA1).inAnyNamespace()));
            }
        } else {
            for (String ns : namespaces) {
                started.add(informer(client.resources(Gateway.class).inNamespace(ns)));
                started.add(informer(client.resources(HTTPRoute.class).inNamespace(ns)));
                if (grpcServed) {
                    started.add(informer(client.resources(GRPCRoute.class).inNamespace(ns)));
                }
                if (tlsPoliciesServed) {
                    started.add(informer(client.resources(BackendTLSPolicy.class).inNamespace(ns)));
                }
                if (grantsV1Served) {
                    started.add(informer(client.resources(GRANT_V1).inNamespace(ns)));
                } else if (grantsBetaServed) {
                    started.add(informer(client.resources(GRANT_V1BETA1).inNamespace(ns)));
                }
            }
        }
        informers.addAll(started);
        if (closing) {  // closed while this ran: close() may have stopped the list before these were in it
            started.forEach(SharedIndexInformer::stop);
            return;
        }
        present = true;
        if (absentLogged) {
            LOG.info("Gateway API CRDs installed: HTTPRoutes are served from now on");
        }
        absentLogged = false;
        answered = true;
        for (SharedIndexInformer<? extends HasMetadata> informer : started) {
            informer.start().whenComplete((ok, error) -> {
                if (error == null) {
                    onChange.run();  // its first list: build with it
                }
            });
        }
    }

    /** The resources (plural names) of {@code groupVersion}; empty when the API server does not serve it. */
    private Set<String> resources(String groupVersion) {
        try {
            APIResourceList list = client.getApiResources(groupVersion);
            if (list == null || list.getResources() == null) {
                return Set.of();
            }
            return Set.copyOf(list.getResources().stream().map(APIResource::getName).toList());
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return Set.of();
            }
            throw e;
        }
    }

    private <T extends HasMetadata> SharedIndexInformer<T> informer(Informable<T> source) {
        SharedIndexInformer<T> informer = source.runnableInformer(0);
        informer.addEventHandler(new Handler<>());
        informer.exceptionHandler((isStarted, t) -> {
            int code = statusCode(t);
            if (code == 403 && optionalKindMessage(informer.getApiTypeClass()) != null && !closing) {
                // a ClusterRole from before GRPCRoutes (or BackendTLSPolicies) were read: the other kinds keep being served
                try {
                    discovery.execute(() -> withdrawOptional(informer));
                } catch (RejectedExecutionException closed) {
                    // closing
                }
                return false;
            }
            if ((code == 404 || code == 403) && !closing) {
                // the CRDs were removed, or the ClusterRole does not allow them: stop (on the discovery
                // thread, not fabric8's) rather than retry forever, which would hold every build back
                try {
                    discovery.execute(() -> withdraw(code));
                } catch (RejectedExecutionException closed) {
                    // closing
                }
                return false;
            }
            LOG.debug("watch of {} failed, retrying: {}", informer.getApiTypeClass().getSimpleName(), t.toString());
            return !closing;
        });
        return informer;
    }

    /** The HTTP status of a failed request, however fabric8 wrapped it (a CompletionException); 0 if none. */
    static int statusCode(Throwable t) {
        for (Throwable cause = t; cause != null; cause = cause.getCause()) {
            if (cause instanceof KubernetesClientException e && e.getCode() > 0) {
                return e.getCode();
            }
        }
        return 0;
    }

    /**
     * Stops the informers after a list answered {@code code}: 404, the CRDs were removed (discovery
     * is asked again every {@code recheck}); 403, the ClusterRole does not grant the Gateway API
     * kinds (a WARNING, and no re-check: a list refused every minute would log every minute; restart
     * once the ClusterRole grants them).
     */
    private void withdraw(int code) {
        if (!present || closing) {
            return;
        }
        present = false;
        informers.forEach(SharedIndexInformer::stop);
        informers.clear();
        if (code == 403) {
            LOG.warn(FORBIDDEN_MESSAGE);
        } else {
            absentLogged = true;
            LOG.info("Gateway API CRDs removed: HTTPRoutes are not served");
            schedule(recheck);
        }
        onChange.run();
    }

    /**
     * The WARNING of a kind that an earlier Jingress's ClusterRole did not grant, whose 403 stops its
     * informers alone (GRPCRoute, BackendTLSPolicy); null for the other kinds, whose 403 stops all.
     */
    static String optionalKindMessage(Class<?> kind) {
        return kind == GRPCRoute.class ? GRPC_FORBIDDEN_MESSAGE
                : kind == BackendTLSPolicy.class ? TLS_POLICY_FORBIDDEN_MESSAGE : null;
    }

    // Stops an informer of an optional kind the ClusterRole does not allow; once the last of its kind is
    // stopped, the WARNING waits for the other kinds' first lists (see warnForbidden)
    private void withdrawOptional(SharedIndexInformer<?> informer) {
        if (!informers.remove(informer) || closing) {
            return;
        }
        informer.stop();
        onChange.run();
        Class<?> kind = informer.getApiTypeClass();
        if (informers.stream().noneMatch(i -> i.getApiTypeClass() == kind)) {
            warnForbidden(optionalKindMessage(kind), System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
        }
    }

    /**
     * Logs that an optional kind alone is refused ({@code message}) once the other kinds' informers
     * have listed (or after {@code deadline}, {@link System#nanoTime()}): when the ClusterRole refuses
     * those too, they are withdrawn whole with one WARNING that says so, and this one, which would say
     * HTTPRoutes are served, is not logged. Runs on the discovery thread.
     */
    private void warnForbidden(String message, long deadline) {
        if (!present || closing) {
            return;
        }
        if (informers.stream().allMatch(SharedIndexInformer::hasSynced) || System.nanoTime() - deadline > 0) {
            LOG.warn(message);
            return;
        }
        try {
            discovery.schedule(() -> warnForbidden(message, deadline), 50, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            // closing
        }
    }

    /** Whether discovery has answered and every informer started has finished its first list. */
    boolean synced() {
        return answered && informers.stream().allMatch(SharedIndexInformer::hasSynced);
    }

    /** Whether {@link #synced()} and every informer's watch is open. */
    boolean whole() {
        return synced() && informers.stream().allMatch(SharedIndexInformer::isWatching);
    }

    /** Whether the CRDs were found and are watched. */
    boolean present() {
        return present;
    }

    /** Every cached GatewayClass, Gateway, HTTPRoute, GRPCRoute, BackendTLSPolicy and ReferenceGrant (the assembler sorts them out). */
    List<HasMetadata> objects() {
        List<HasMetadata> out = new ArrayList<>();
        for (SharedIndexInformer<? extends HasMetadata> informer : informers) {
            out.addAll(informer.getStore().list());
        }
        return out;
    }

    @Override
    public void close() {
        closing = true;
        discovery.shutdownNow();
        informers.forEach(SharedIndexInformer::stop);
    }

    /**
     * An update matters only when the spec changed: status written by us or by other controllers (on
     * their own Gateways and routes) causes no rebuild.
     */
    static boolean specChanged(Object oldObj, Object newObj) {
        Object oldSpec = spec(oldObj);
        Object newSpec = spec(newObj);
        return oldSpec == null || newSpec == null || !oldSpec.equals(newSpec);
    }

    private static Object spec(Object object) {
        if (object instanceof GatewayClass c) {
            return c.getSpec();
        }
        if (object instanceof Gateway g) {
            return g.getSpec();
        }
        if (object instanceof HTTPRoute r) {
            return r.getSpec();
        }
        if (object instanceof GRPCRoute r) {
            return r.getSpec();
        }
        if (object instanceof BackendTLSPolicy p) {
            return p.getSpec();
        }
        if (object instanceof io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant g) {
            return g.getSpec();
        }
        if (object instanceof io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrant g) {
            return g.getSpec();
        }
        return null;
    }

    private final class Handler<T> implements ResourceEventHandler<T> {
        @Override
        public void onAdd(T obj) {
            onChange.run();
        }

        @Override
        public void onUpdate(T oldObj, T newObj) {
            if (specChanged(oldObj, newObj)) {
                onChange.run();
            }
        }

        @Override
        public void onDelete(T obj, boolean deletedFinalStateUnknown) {
            onChange.run();
        }
    }
}
