package io.jingress.core.lb;

import java.time.Duration;
import java.util.Objects;

/**
 * Passive health checking (outlier ejection): after {@code consecutiveFailures} failures in a row an
 * endpoint is ejected for {@code baseEjection} times the number of times it has been ejected, at most
 * {@code maxEjection}. At most {@code maxEjectionPercent} of a backend's endpoints are ejected at once;
 * when every endpoint is ejected, traffic goes to all (panic mode).
 *
 * <p>An ejection belongs to the endpoint (it is shared by every backend that lists it); the cap is
 * applied by each balancer when it picks: a backend of n endpoints skips at most
 * {@code floor(n * maxEjectionPercent / 100)} ejected ones and ignores the other ejections. A success
 * resets the run of failures; an ejection ends when its time has passed on the registry's clock.
 * The count of ejections, which lengthens the next one, is never reset.
 *
 * <pre>{@code
 * PassiveHealth health = new PassiveHealth(5, Duration.ofSeconds(30), Duration.ofMinutes(5), 50);
 * Balancers balancers = Balancers.builder().passiveHealth(health).build();
 * }</pre>
 */
public record PassiveHealth(int consecutiveFailures, Duration baseEjection, Duration maxEjection,
        int maxEjectionPercent) {

    /** 5 failures in a row, 30 s growing to at most 5 min, at most half of a backend. */
    public static final PassiveHealth DEFAULT = new PassiveHealth(5, Duration.ofSeconds(30), Duration.ofMinutes(5), 50);

    /** Never eject. */
    public static final PassiveHealth DISABLED = new PassiveHealth(0, Duration.ZERO, Duration.ZERO, 0);

    /**
     * @throws IllegalArgumentException when {@code consecutiveFailures} is negative,
     *     {@code baseEjection} is negative, {@code maxEjection} is shorter than {@code baseEjection},
     *     or {@code maxEjectionPercent} is not 0 to 100
     */
    public PassiveHealth {
        Objects.requireNonNull(baseEjection, "baseEjection");
        Objects.requireNonNull(maxEjection, "maxEjection");
        if (consecutiveFailures < 0) {
            throw new IllegalArgumentException("consecutiveFailures must be 0 (never eject) or more, got "
                    + consecutiveFailures);
        }
        if (baseEjection.isNegative()) {
            throw new IllegalArgumentException("baseEjection must be zero or more, got " + baseEjection);
        }
        if (maxEjection.compareTo(baseEjection) < 0) {
            throw new IllegalArgumentException("maxEjection must be at least baseEjection (" + baseEjection
                    + "), got " + maxEjection);
        }
        if (maxEjectionPercent < 0 || maxEjectionPercent > 100) {
            throw new IllegalArgumentException("maxEjectionPercent must be 0 to 100, got " + maxEjectionPercent);
        }
    }

    public boolean enabled() {
        return consecutiveFailures > 0;
    }
}
