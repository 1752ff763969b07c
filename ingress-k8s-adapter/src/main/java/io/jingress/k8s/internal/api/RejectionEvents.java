package io.jingress.k8s.internal.api;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.jingress.core.model.Problem;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports rejected Ingresses: a log line and a core v1 Event ({@code Warning}, reason
 * {@code Rejected}, the problems as the message) on the Ingress, once per distinct set of
 * problems. An Ingress that is fixed and later broken again is reported again.
 *
 * <p>Log lines are written by {@link #log}, on every replica; Events by {@link #publish}, by the
 * leader only, so N replicas do not write N Events.
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
    // both touched by one thread each (log: rebuild thread; published: writer thread)
    private final Map<String, String> logged = new HashMap<>();
    private final Map<String, String> published = new HashMap<>();

    public RejectionEvents(KubernetesClient client, String host) {
        this.client = Objects.requireNonNull(client, "client");
        this.host = host;
    }

    /** The rejected Ingresses of a build: {@code namespace/name} to the message (problems joined), sorted. */
    public static Map<String, String> rejected(List<Problem> problems) {
        Map<String, List<String>> byIngress = new TreeMap<>();
        for (Problem p : problems) {
            if (p.severity() == Problem.Severity.ERROR && "Ingress".equals(p.kind())) {
                byIngress.computeIfAbsent(p.object(), k -> new java.util.ArrayList<>()).add(p.toString());
            }
        }
        Map<String, String> out = new TreeMap<>();
        byIngress.forEach((k, v) -> out.put(k, v.stream().distinct().sorted().collect(Collectors.joining("; "))));
        return out;
    }

    /** Logs each rejection once per distinct message; called after each build. */
    public void log(Map<String, String> rejected) {
        logged.keySet().retainAll(rejected.keySet());
        rejected.forEach((key, message) -> {
            if (!message.equals(logged.put(key, message))) {
                LOG.warn("Ingress {} rejected: {}", key, message);
            }
        });
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
