package io.jingress.k8s.internal.api;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
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
 * Writes the {@code Accepted=True} condition into the status of every GatewayClass whose
 * {@code spec.controllerName} is ours ({@code kubectl get gatewayclass}: ACCEPTED True), as the
 * Gateway API asks of the controller that takes a class.
 *
 * <p>As {@link StatusWriter}: {@code editStatus} (a JSON patch of the status), only where the
 * condition is not already {@code True} for the class's current {@code metadata.generation}; the
 * other conditions are kept. Classes of other controllers are never touched.
 */
final class GatewayClassStatusWriter {

    static final String ACCEPTED = "Accepted";

    private static final Logger LOG = LoggerFactory.getLogger(GatewayClassStatusWriter.class);

    private final KubernetesClient client;
    private final Clock clock;
    private final AtomicLong writes = new AtomicLong();
    // name -> the resourceVersion our write was made on top of: while the cache still shows it, the
    // write has not come back through the watch yet and must not be repeated
    private final Map<String, String> lastWritten = new HashMap<>();

    GatewayClassStatusWriter(KubernetesClient client, Clock clock) {
        this.client = Objects.requireNonNull(client, "client");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Brings the status of our classes among {@code classes} in line; blocking.
     *
     * @return whether every write succeeded (false: try again later)
     */
    boolean apply(List<GatewayClass> classes, String controllerName) {
        boolean ok = true;
        Set<String> seen = new HashSet<>();
        for (GatewayClass gatewayClass : classes) {
            if (gatewayClass.getMetadata() == null || gatewayClass.getSpec() == null
                    || !controllerName.equals(gatewayClass.getSpec().getControllerName())) {
                continue;
            }
            String name = gatewayClass.getMetadata().getName();
            seen.add(name);
            String pending = lastWritten.get(name);
            if (accepted(gatewayClass) || Objects.equals(pending, gatewayClass.getMetadata().getResourceVersion())) {
                continue;
            }
            ok &= write(gatewayClass);
        }
        lastWritten.keySet().retainAll(seen);
        return ok;
    }

    long writeCount() {
        return writes.get();
    }

    /** Whether its status says Accepted=True for its current generation. */
    static boolean accepted(GatewayClass gatewayClass) {
        Condition condition = condition(gatewayClass);
        return condition != null && "True".equals(condition.getStatus())
                && Objects.equals(condition.getObservedGeneration(), gatewayClass.getMetadata().getGeneration());
    }

    private static Condition condition(GatewayClass gatewayClass) {
        if (gatewayClass.getStatus() == null || gatewayClass.getStatus().getConditions() == null) {
            return null;
        }
        for (Condition condition : gatewayClass.getStatus().getConditions()) {
            if (ACCEPTED.equals(condition.getType())) {
                return condition;
            }
        }
        return null;
    }

    private boolean write(GatewayClass seen) {
        String name = seen.getMetadata().getName();
        try {
            client.resources(GatewayClass.class).withName(name).editStatus(latest -> {
                Condition before = condition(latest);
                String since = before != null && "True".equals(before.getStatus()) && before.getLastTransitionTime() != null
                        ? before.getLastTransitionTime()
                        : Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
                Condition accepted = new ConditionBuilder().withType(ACCEPTED).withStatus("True").withReason(ACCEPTED)
                        .withMessage("served by Jingress").withObservedGeneration(latest.getMetadata().getGeneration())
                        .withLastTransitionTime(since).build();
                List<Condition> conditions = new ArrayList<>();
                if (latest.getStatus() != null && latest.getStatus().getConditions() != null) {
                    latest.getStatus().getConditions().stream().filter(c -> !ACCEPTED.equals(c.getType())).forEach(conditions::add);
                }
                conditions.add(0, accepted);
                GatewayClassStatus status = latest.getStatus() == null ? new GatewayClassStatus() : latest.getStatus();
                status.setConditions(conditions);
                latest.setStatus(status);
                return latest;
            });
            writes.incrementAndGet();
            lastWritten.put(name, String.valueOf(seen.getMetadata().getResourceVersion()));
            LOG.info("GatewayClass {}: status Accepted", name);
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return true;  // deleted meanwhile
            }
            LOG.warn("GatewayClass {}: status not written ({}): {}", name, e.getCode(), e.getMessage());
            return false;
        }
    }
}
