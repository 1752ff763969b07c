package io.jingress.core.internal.lb;

import io.jingress.core.lb.PassiveHealth;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * What every balancer of one registry shares: the injected clock, the random source, the passive
 * health settings and the ejection epoch (bumped on every ejection).
 */
public record BalancerContext(LongSupplier nanoClock, RandomSource random, PassiveHealth health,
        AtomicLong ejectionEpoch) {
}
