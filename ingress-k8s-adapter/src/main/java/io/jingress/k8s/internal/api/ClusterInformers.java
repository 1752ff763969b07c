package io.jingress.k8s.internal.api;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The informers on the five kinds routes are built from (Secrets twice: {@code kubernetes.io/tls}
 * and {@code Opaque}), in all namespaces or in the given ones; one per ConfigMap that
 * {@code custom-headers} names ({@link #watchConfigMaps}); and those on the Gateway API kinds, when
 * their CRDs are installed ({@link GatewayInformers}).
 * Their handlers only call {@code onChange} (and, for status-only Ingress updates, the
 * {@link #onStatusChange} listener); the caches are read by the one rebuild thread.
 *
 * <p>Faults are fabric8's to heal: a closed watch is re-opened with exponential backoff
 * ({@code Config.watchReconnectInterval}, doubling up to 32 times that), a {@code 410 Gone} leads
 * to a re-list, and with the exception handler here a failing initial list is retried forever
 * instead of ending the informer.
 */
public final class ClusterInformers implements AutoCloseable {

    /** The Secret type of certificates (spec.tls). */
    public static final String TLS_SECRET_TYPE = "kubernetes.io/tls";
    /** The Secret type of {@code kubectl create secret generic}, whose Secrets auth-secret names. */
    public static final String OPAQUE_SECRET_TYPE = "Opaque";
    private static final String NGINX_AUTH_SECRET = "nginx.ingress.kubernetes.io/auth-secret";
    private static final String OUR_AUTH_SECRET = "jingress.io/auth-secret";
    private static final String NGINX_PROXY_SSL_SECRET = "nginx.ingress.kubernetes.io/proxy-ssl-secret";
    private static final String OUR_PROXY_SSL_SECRET = "jingress.io/proxy-ssl-secret";

    private static final Logger LOG = LoggerFactory.getLogger(ClusterInformers.class);

    private final KubernetesClient client;
    private final Set<String> namespaces;
    private final Runnable onChange;
    private volatile Consumer<Ingress> onStatusChange = ingress -> { };
    private final List<SharedIndexInformer<? extends HasMetadata>> all = new ArrayList<>();
    private final List<SharedIndexInformer<Ingress>> ingresses = new ArrayList<>();
    private final List<SharedIndexInformer<IngressClass>> ingressClasses = new ArrayList<>();
    private final List<SharedIndexInformer<Service>> services = new ArrayList<>();
    private final List<SharedIndexInformer<EndpointSlice>> endpointSlices = new ArrayList<>();
    private final List<SharedIndexInformer<Secret>> secrets = new ArrayList<>();
    private final List<SharedIndexInformer<Secret>> opaqueSecrets = new ArrayList<>();
    // the ConfigMaps custom-headers names, each watched alone by name (see watchConfigMaps); by namespace/name
    private final Map<String, SharedIndexInformer<ConfigMap>> configMaps = new ConcurrentHashMap<>();
    // watched whatever namespaces are (see alsoWatchConfigMap)
    private final Set<String> anyNamespaceConfigMaps = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private String[] publishedService;                 // namespace, name; or null
    private SharedIndexInformer<Service> published;    // that Service alone, outside the watched namespaces
    private String[] defaultCertificate;               // namespace, name; or null
    private String[] defaultBackend;                   // namespace, name; or null
    private SharedIndexInformer<io.fabric8.kubernetes.api.model.Namespace> namespaceObjects;  // null: not asked for
    private boolean watchNamespaceObjects;
    private final GatewayInformers gateway;
    private volatile boolean closing;

    /**
     * @param client the client
     * @param namespaces the namespaces to watch; empty for all
     * @param onChange called on every add, update and delete (from informer threads: keep it short)
     * @param gatewayApiRecheck how often discovery is asked again while the Gateway API CRDs are not installed
     */
    public ClusterInformers(KubernetesClient client, Set<String> namespaces, Runnable onChange, Duration gatewayApiRecheck) {
        this.client = Objects.requireNonNull(client, "client");
        this.namespaces = Set.copyOf(Objects.requireNonNull(namespaces, "namespaces"));
        this.onChange = Objects.requireNonNull(onChange, "onChange");
        this.gateway = new GatewayInformers(client, this.namespaces, onChange, gatewayApiRecheck);
    }

    /**
     * Also watches the Service {@code namespace/name} (the {@code --publish-service}, whose
     * addresses go into Ingress status) when its namespace is not among those watched: a load
     * balancer may give it an address long after the start, and the status must follow. It is
     * listed and watched alone, by name, and is not among {@link #services()}. Call before
     * {@link #start()}.
     */
    public void alsoWatchService(String namespace, String name) {
        publishedService = new String[] {Objects.requireNonNull(namespace, "namespace"), Objects.requireNonNull(name, "name")};
    }

    /**
     * Also watches the TLS Secret {@code namespace/name} (the {@code --default-ssl-certificate}, often
     * in the controller's own namespace) when its namespace is not among those watched: it is listed
     * and watched alone, by name, and is among {@link #tlsSecrets()}. Call before {@link #start()}.
     */
    public void alsoWatchTlsSecret(String namespace, String name) {
        defaultCertificate = new String[] {Objects.requireNonNull(namespace, "namespace"), Objects.requireNonNull(name, "name")};
    }

    /**
     * Also watches the Service {@code namespace/name} (the {@code --default-backend-service}, often in
     * the controller's own namespace) and its EndpointSlices when its namespace is not among those
     * watched: they are listed and watched alone (the Service by name, the slices by their
     * {@code kubernetes.io/service-name} label), and are among {@link #services()} and
     * {@link #endpointSlices()}. Call before {@link #start()}.
     */
    public void alsoWatchBackendService(String namespace, String name) {
        defaultBackend = new String[] {Objects.requireNonNull(namespace, "namespace"), Objects.requireNonNull(name, "name")};
    }

    /**
     * Also watches the cluster's Namespaces (for {@code --watch-namespace-selector}, which reads their
     * labels): listed and watched whole (they are few), each change a rebuild. Call before {@link #start()}.
     */
    public void alsoWatchNamespaces() {
        watchNamespaceObjects = true;
    }

    /** The cached Namespaces (see {@link #alsoWatchNamespaces}); empty when not watched. */
    public List<io.fabric8.kubernetes.api.model.Namespace> namespaceObjects() {
        return namespaceObjects == null ? List.of() : namespaceObjects.getStore().list();
    }

    /**
     * Lets {@link #watchConfigMaps} watch the ConfigMap {@code namespace/name} (the
     * {@code --tcp-services-configmap} or {@code --configmap}, often in the controller's own namespace)
     * when its namespace is not among those watched, or one the controller's ConfigMap names (then
     * before the {@link #watchConfigMaps} that asks for it).
     */
    public void alsoWatchConfigMap(String key) {
        anyNamespaceConfigMaps.add(Objects.requireNonNull(key, "key"));
    }

    /**
     * Calls {@code listener} with the new Ingress when an update changed only its status (our own
     * writes coming back, or someone else's), which causes no rebuild. Call before {@link #start()}.
     */
    public void onStatusChange(Consumer<Ingress> listener) {
        onStatusChange = Objects.requireNonNull(listener, "listener");
    }

    /** Creates and starts the informers; returns at once (the initial lists run in the background). */
    public void start() {
        ingressClasses.add(informer(client.network().v1().ingressClasses()));
        if (namespaces.isEmpty()) {
            ingresses.add(informer(client.network().v1().ingresses().inAnyNamespace()));
            services.add(informer(client.services().inAnyNamespace()));
            endpointSlices.add(informer(client.discovery().v1().endpointSlices().inAnyNamespace()));
            secrets.add(informer(client.secrets().inAnyNamespace().withField("type", TLS_SECRET_TYPE)));
            opaqueSecrets.add(informer(client.secrets().inAnyNamespace().withField("type", OPAQUE_SECRET_TYPE)));
        } else {
            for (String ns : namespaces) {
                ingresses.add(informer(client.network().v1().ingresses().inNamespace(ns)));
                services.add(informer(client.services().inNamespace(ns)));
                endpointSlices.add(informer(client.discovery().v1().endpointSlices().inNamespace(ns)));
                secrets.add(informer(client.secrets().inNamespace(ns).withField("type", TLS_SECRET_TYPE)));
                opaqueSecrets.add(informer(client.secrets().inNamespace(ns).withField("type", OPAQUE_SECRET_TYPE)));
            }
        }
        if (defaultCertificate != null && !namespaces.isEmpty() && !namespaces.contains(defaultCertificate[0])) {
            secrets.add(informer(client.secrets().inNamespace(defaultCertificate[0])
                    .withField("metadata.name", defaultCertificate[1])));
        }
        if (watchNamespaceObjects) {
            namespaceObjects = informer(client.namespaces());
        }
        if (defaultBackend != null && !namespaces.isEmpty() && !namespaces.contains(defaultBackend[0])) {
            services.add(informer(client.services().inNamespace(defaultBackend[0])
                    .withField("metadata.name", defaultBackend[1])));
            endpointSlices.add(informer(client.discovery().v1().endpointSlices().inNamespace(defaultBackend[0])
                    .withLabel("kubernetes.io/service-name", defaultBackend[1])));
        }
        if (publishedService != null && !namespaces.isEmpty() && !namespaces.contains(publishedService[0])) {
            published = informer(client.services().inNamespace(publishedService[0])
                    .withField("metadata.name", publishedService[1]));
        }
        gateway.start();
        for (SharedIndexInformer<? extends HasMetadata> informer : all) {
            informer.start().whenComplete((ok, error) -> {
                if (error != null && !closing) {
                    LOG.error("informer on {} ended: {}", informer.getApiTypeClass().getSimpleName(), error.toString());
                }
            });
        }
    }

    private <T extends HasMetadata> SharedIndexInformer<T> informer(Informable<T> source) {
        SharedIndexInformer<T> informer = source.runnableInformer(0);
        informer.addEventHandler(new Handler<>());
        informer.exceptionHandler((isStarted, t) -> {
            // keep trying: the API server may be starting or briefly gone; fabric8 backs off between
            // tries and logs each failure itself
            LOG.debug("watch of {} failed, retrying: {}", informer.getApiTypeClass().getSimpleName(), t.toString());
            return !closing;
        });
        all.add(informer);
        return informer;
    }

    /**
     * Whether every informer has finished its first list (and API discovery said whether the
     * Gateway API kinds are there: see {@link GatewayInformers}).
     */
    public boolean synced() {
        return !all.isEmpty() && all.stream().allMatch(SharedIndexInformer::hasSynced) && gateway.synced();
    }

    /** Whether every informer is synced and its watch is open: only then do the caches reflect the API server. */
    public boolean whole() {
        return synced() && all.stream().allMatch(SharedIndexInformer::isWatching) && gateway.whole();
    }

    /**
     * The cached GatewayClasses, Gateways, HTTPRoutes and ReferenceGrants; none while the Gateway
     * API CRDs are not installed.
     */
    public List<HasMetadata> gatewayObjects() {
        return gateway.objects();
    }

    public List<Ingress> ingresses() {
        return items(ingresses, Function.identity());
    }

    public List<IngressClass> ingressClasses() {
        return items(ingressClasses, Function.identity());
    }

    public List<Service> services() {
        return items(services, Function.identity());
    }

    public List<EndpointSlice> endpointSlices() {
        return items(endpointSlices, Function.identity());
    }

    /** The TLS Secrets (the field selector already asks for them; the filter guards servers that ignore it). */
    public List<Secret> tlsSecrets() {
        List<Secret> list = items(secrets, Function.identity());
        list.removeIf(s -> !TLS_SECRET_TYPE.equals(s.getType()));
        return list;
    }

    /**
     * The Opaque Secrets, whose users {@code auth-secret} names (the assembler keeps only those an
     * Ingress names; the filter guards servers that ignore the field selector).
     */
    public List<Secret> opaqueSecrets() {
        List<Secret> list = items(opaqueSecrets, Function.identity());
        list.removeIf(s -> !OPAQUE_SECRET_TYPE.equals(s.getType()));
        return list;
    }

    /**
     * Watches exactly the ConfigMaps {@code keys} ({@code namespace/name}: those the {@code custom-headers}
     * of our Ingresses and the {@code caCertificateRefs} of BackendTLSPolicies name), each alone, by name, so that no other ConfigMap of the cluster is cached
     * (they may be many and large, and most are no business of ours); stops watching those no longer
     * named. Waits up to {@code wait} for the first list of the ones it starts, so the table built next
     * has their headers; one that takes longer (the API server slow, or the ClusterRole not allowing
     * ConfigMaps) is waited for no more: its first list, whenever it comes, calls {@code onChange}. Every
     * add, update and delete of a watched ConfigMap calls {@code onChange}. From the rebuild thread only.
     */
    public void watchConfigMaps(Set<String> keys, Duration wait) throws InterruptedException {
        for (Iterator<Map.Entry<String, SharedIndexInformer<ConfigMap>>> it = configMaps.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, SharedIndexInformer<ConfigMap>> entry = it.next();
            if (!keys.contains(entry.getKey())) {
                entry.getValue().stop();
                it.remove();
            }
        }
        List<CompletableFuture<Void>> started = new ArrayList<>();
        for (String key : keys) {
            int slash = key.indexOf('/');
            String namespace = key.substring(0, slash);
            if (configMaps.containsKey(key) || closing
                    || (!namespaces.isEmpty() && !namespaces.contains(namespace) && !anyNamespaceConfigMaps.contains(key))) {
                continue;
            }
            SharedIndexInformer<ConfigMap> informer = client.configMaps().inNamespace(namespace)
                    .withField("metadata.name", key.substring(slash + 1)).runnableInformer(0);
            informer.addEventHandler(new Handler<>());
            informer.exceptionHandler((isStarted, t) -> {
                LOG.debug("watch of ConfigMap {} failed, retrying: {}", key, t.toString());
                return !closing;
            });
            configMaps.put(key, informer);
            CompletableFuture<Void> synced = informer.start().toCompletableFuture();
            synced.whenComplete((ok, error) -> {
                if (error == null && !closing) {
                    onChange.run();  // a list that came after the wait below builds again
                }
            });
            started.add(synced);
        }
        if (started.isEmpty()) {
            return;
        }
        try {
            CompletableFuture.allOf(started.toArray(new CompletableFuture<?>[0])).get(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("ConfigMaps (custom-headers, BackendTLSPolicy CAs, --tcp-services-configmap, --configmap) not listed within {} ms; what they say is"
                    + " served once they are: {}",
                    wait.toMillis(), keys);
        }
    }

    /** The ConfigMaps watched ({@link #watchConfigMaps}) that exist. */
    public List<ConfigMap> configMaps() {
        List<ConfigMap> list = new ArrayList<>();
        configMaps.forEach((key, informer) -> {
            for (ConfigMap configMap : informer.getStore().list()) {
                // the name filter guards servers that ignore the field selector
                if (configMap.getMetadata() != null
                        && key.equals(configMap.getMetadata().getNamespace() + "/" + configMap.getMetadata().getName())) {
                    list.add(configMap);
                }
            }
        });
        return list;
    }

    /**
     * A Service from the cache, or null when it is not there (or its namespace is not watched and
     * it is not the one of {@link #alsoWatchService}).
     */
    public Service service(String namespace, String name) {
        String key = namespace + "/" + name;
        for (SharedIndexInformer<Service> informer : services) {
            Service s = informer.getStore().getByKey(key);
            if (s != null) {
                return s;
            }
        }
        return published == null ? null : published.getStore().getByKey(key);
    }

    private static <T, R> List<R> items(List<SharedIndexInformer<T>> informers, Function<T, R> f) {
        List<R> out = new ArrayList<>();
        for (SharedIndexInformer<T> informer : informers) {
            for (T item : informer.getStore().list()) {
                out.add(f.apply(item));
            }
        }
        return out;
    }

    @Override
    public void close() {
        closing = true;
        gateway.close();
        for (SharedIndexInformer<? extends HasMetadata> informer : all) {
            informer.stop();
        }
        configMaps.values().forEach(SharedIndexInformer::stop);
    }

    /**
     * Whether an update can change routes. Our own status writes come back as Ingress updates; they
     * (and resyncs) must not cause rebuilds.
     */
    static boolean routeRelevantChange(Object oldObj, Object newObj) {
        if (oldObj instanceof HasMetadata o && newObj instanceof HasMetadata n
                && o.getMetadata() != null && n.getMetadata() != null
                && o.getMetadata().getResourceVersion() != null
                && o.getMetadata().getResourceVersion().equals(n.getMetadata().getResourceVersion())) {
            return false;
        }
        if (oldObj instanceof Ingress o && newObj instanceof Ingress n) {
            return !Objects.equals(o.getSpec(), n.getSpec())
                    || !Objects.equals(o.getMetadata().getAnnotations(), n.getMetadata().getAnnotations());
        }
        return true;
    }

    /**
     * Whether a change to {@code object} may change routes: an Opaque Secret does only when an
     * Ingress's {@code auth-secret} or {@code proxy-ssl-secret} names it (the cluster's other Opaque Secrets, which operators
     * may rewrite often, cause no rebuild). An Ingress added later that names one causes its own.
     */
    private boolean routeRelevant(Object object) {
        if (object instanceof Secret secret && OPAQUE_SECRET_TYPE.equals(secret.getType())) {
            List<Ingress> all = ingresses();
            return namedByAuthSecret(secret, all) || named(secret, all, OUR_PROXY_SSL_SECRET, NGINX_PROXY_SSL_SECRET);
        }
        return true;
    }

    /** Whether one of {@code ingresses} names {@code secret} in its {@code auth-secret} (ours or ingress-nginx's). */
    static boolean namedByAuthSecret(Secret secret, List<Ingress> ingresses) {
        return named(secret, ingresses, OUR_AUTH_SECRET, NGINX_AUTH_SECRET);
    }

    /** Whether one of {@code ingresses} names {@code secret} in the annotation {@code ours}, else {@code nginx}. */
    static boolean named(Secret secret, List<Ingress> ingresses, String ours, String nginx) {
        if (secret.getMetadata() == null) {
            return false;
        }
        String namespace = secret.getMetadata().getNamespace();
        String name = secret.getMetadata().getName();
        for (Ingress ingress : ingresses) {
            Map<String, String> annotations = ingress.getMetadata() == null ? null : ingress.getMetadata().getAnnotations();
            if (annotations == null) {
                continue;
            }
            String named = annotations.get(ours);
            if (named == null) {
                named = annotations.get(nginx);
            }
            if (named == null) {
                continue;
            }
            named = named.trim();
            int slash = named.indexOf('/');
            String refNamespace = slash <= 0 ? ingress.getMetadata().getNamespace() : named.substring(0, slash);
            String refName = slash < 0 ? named : named.substring(slash + 1);
            if (Objects.equals(namespace, refNamespace) && Objects.equals(name, refName)) {
                return true;
            }
        }
        return false;
    }

    private final class Handler<T> implements ResourceEventHandler<T> {
        @Override
        public void onAdd(T obj) {
            if (routeRelevant(obj)) {
                onChange.run();
            }
        }

        @Override
        public void onUpdate(T oldObj, T newObj) {
            if (!routeRelevantChange(oldObj, newObj) || !(routeRelevant(oldObj) || routeRelevant(newObj))) {
                if (oldObj instanceof Ingress o && newObj instanceof Ingress n
                        && !Objects.equals(o.getMetadata().getResourceVersion(), n.getMetadata().getResourceVersion())
                        && !Objects.equals(o.getStatus(), n.getStatus())) {
                    onStatusChange.accept(n);
                }
                return;
            }
            onChange.run();
        }

        @Override
        public void onDelete(T obj, boolean deletedFinalStateUnknown) {
            if (routeRelevant(obj)) {
                onChange.run();
            }
        }
    }
}
