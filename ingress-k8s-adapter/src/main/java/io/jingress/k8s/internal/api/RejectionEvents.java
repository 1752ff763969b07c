package io.jingress.k8s.internal.api;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.jingress.core.model.Problem;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports rejected Ingresses as a core v1 Event ({@code Warning}, reason {@code Rejected}, the
 * problems as the message) on the Ingress, once per distinct set of problems. An Ingress that is
 * fixed and later broken again is reported again. Only the leader publishes, so N replicas do not
 * write N Events; the log line is the sink's ({@code RouteUpdater} logs each problem once).
 */
public final class RejectionEvents {

    /** The Event's reason. */
    public static final String REASON = "Rejected";
    /** The Event's source component. */
    public static final String COMPONENT = "jingress";

    private static final Logger LOG = LoggerFactory.getLogger(RejectionEvents.class);
    private static final int MAX_MESSAGE = 1024;

    private final KubernetesClient client;
    private final String host;
    // guarded by this
    private final Map<String, String> published = new HashMap<>();

    public RejectionEvents(KubernetesClient client, String host) {
        this.client = Objects.requireNonNull(client, "client");
        this.host = host;
    }

    /**
     * The rejected Ingresses of a build: {@code namespace/name} to the message, every problem of
     * that Ingress (errors and the notes that go with them) sorted and joined.
     */
    public static Map<String, String> rejected(List<Problem> problems) {
        Map<String, List<String>> byIngress = new TreeMap<>();
        Set<String> withError = new HashSet<>();
        for (Problem p : problems) {
            if ("Ingress".equals(p.kind())) {
                byIngress.computeIfAbsent(p.object(), k -> new ArrayList<>()).add(p.toString());
                if (p.severity() == Problem.Severity.ERROR) {
                    withError.add(p.object());
                }
            }
        }
        Map<String, String> out = new TreeMap<>();
        byIngress.forEach((k, v) -> {
            if (withError.contains(k)) {
                out.put(k, v.stream().distinct().sorted().collect(Collectors.joining("; ")));
            }
        });
        return out;
    }

    /**
     * Writes an Event for each rejection not yet published with this message; blocking.
     *
     * @param rejected {@code namespace/name} to message
     * @param ingresses the Ingresses as last seen, by {@code namespace/name}
     * @return whether every write succeeded
     */
    public synchronized boolean publish(Map<String, String> rejected, Map<String, Ingress> ingresses) {
        published.keySet().retainAll(rejected.keySet());
        boolean ok = true;
        for (Map.Entry<String, String> e : rejected.entrySet()) {
            String key = e.getKey();
            String message = e.getValue();
            Ingress ingress = ingresses.get(key);
            if (ingress == null || message.equals(published.get(key))) {
                continue;
            }
            try {
                create(ingress, message);
                published.put(key, message);
            } catch (KubernetesClientException ex) {
                LOG.warn("Ingress {}: Event not written ({}): {}", key, ex.getCode(), ex.getMessage());
                ok = false;
            }
        }
        return ok;
    }

    /** Forgets what was published, so a new leader reports current rejections once. */
    public synchronized void forgetPublished() {
        published.clear();
    }

    private void create(Ingress ingress, String message) {
        String ns = ingress.getMetadata().getNamespace();
        String now = Instant.now().toString();
        Event event = new EventBuilder()
                .withNewMetadata()
                .withNamespace(ns)
                .withName(ingress.getMetadata().getName() + "."
                        + Long.toHexString(System.currentTimeMillis()) + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 16)))
                .endMetadata()
                .withNewInvolvedObject()
                .withApiVersion("networking.k8s.io/v1")
                .withKind("Ingress")
                .withNamespace(ns)
                .withName(ingress.getMetadata().getName())
                .withUid(ingress.getMetadata().getUid())
                .withResourceVersion(ingress.getMetadata().getResourceVersion())
                .endInvolvedObject()
                .withType("Warning")
                .withReason(REASON)
                .withMessage(message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE - 3) + "..." : message)
                .withNewSource().withComponent(COMPONENT).withHost(host).endSource()
                .withReportingComponent(COMPONENT)
                .withReportingInstance(host)
                .withFirstTimestamp(now)
                .withLastTimestamp(now)
                .withCount(1)
                .build();
        client.v1().events().inNamespace(ns).resource(event).create();
    }
}
