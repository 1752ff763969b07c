package io.jingress.k8s.internal.api;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes our address into {@code status.loadBalancer.ingress} of every Ingress we serve, and
 * clears it from Ingresses we no longer serve.
 *
 * <p>Writes go through {@code editStatus}, which sends a JSON patch of the status subresource, so
 * the list is replaced rather than merged. Only Ingresses whose status differs are written, so a
 * steady cluster costs nothing. An Ingress we do not serve is cleared only when its status holds
 * exactly our addresses: an Ingress of another controller is never touched.
 */
public final class StatusWriter {

    private static final Logger LOG = LoggerFactory.getLogger(StatusWriter.class);

    private final KubernetesClient client;
    private final AtomicLong writes = new AtomicLong();
    // namespace/name -> what we last wrote and on top of which resourceVersion: while the cache still
    // shows that version, our write has not come back through the watch yet and must not be repeated
    private final Map<String, Written> lastWritten = new HashMap<>();

    private record Written(String resourceVersionBefore, Set<String> addresses) {
    }

    public StatusWriter(KubernetesClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    /**
     * Brings the status of the given Ingresses in line; blocking.
     *
     * @param ingresses the Ingresses as last seen (all classes)
     * @param served the {@code namespace/name} of the Ingresses we serve
     * @param addresses our addresses; when empty nothing is written
     * @return whether every write succeeded (false: try again later)
     */
    public boolean apply(List<Ingress> ingresses, Set<String> served, List<IngressLoadBalancerIngress> addresses) {
        if (addresses.isEmpty()) {
            return true;
        }
        Set<String> ours = PublishAddresses.keys(addresses);
        boolean ok = true;
        Set<String> seen = new HashSet<>();
        for (Ingress ingress : ingresses) {
            String key = ingress.getMetadata().getNamespace() + "/" + ingress.getMetadata().getName();
            seen.add(key);
            Set<String> current = PublishAddresses.keys(current(ingress));
            Written pending = lastWritten.get(key);
            if (pending != null && pending.resourceVersionBefore().equals(ingress.getMetadata().getResourceVersion())) {
                current = pending.addresses();
            }
            if (served.contains(key)) {
                if (!current.equals(ours)) {
                    ok &= write(ingress, addresses, "published " + String.join(",", ours));
                }
            } else if (!current.isEmpty() && current.equals(ours)) {
                ok &= write(ingress, List.of(), "cleared (no longer served)");
            }
        }
        lastWritten.keySet().retainAll(seen);
        return ok;
    }

    /** How many status writes succeeded. */
    public long writeCount() {
        return writes.get();
    }

    private static List<IngressLoadBalancerIngress> current(Ingress ingress) {
        if (ingress.getStatus() == null || ingress.getStatus().getLoadBalancer() == null) {
            return List.of();
        }
        List<IngressLoadBalancerIngress> list = ingress.getStatus().getLoadBalancer().getIngress();
        return list == null ? List.of() : list;
    }

    private boolean write(Ingress ingress, List<IngressLoadBalancerIngress> addresses, String what) {
        String ns = ingress.getMetadata().getNamespace();
        String name = ingress.getMetadata().getName();
        try {
            client.network().v1().ingresses().inNamespace(ns).withName(name).editStatus(latest -> new IngressBuilder(latest)
                    .editOrNewStatus()
                    .editOrNewLoadBalancer()
                    .withIngress(addresses.stream().map(a -> a.toBuilder().build()).toList())
                    .endLoadBalancer()
                    .endStatus()
                    .build());
            writes.incrementAndGet();
            lastWritten.put(ns + "/" + name, new Written(String.valueOf(ingress.getMetadata().getResourceVersion()),
                    PublishAddresses.keys(addresses)));
            LOG.info("Ingress {}/{}: status {}", ns, name, what);
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return true; // deleted meanwhile: nothing to write
            }
            LOG.warn("Ingress {}/{}: status not written ({}): {}", ns, name, e.getCode(), e.getMessage());
            return false;
        }
    }
}
