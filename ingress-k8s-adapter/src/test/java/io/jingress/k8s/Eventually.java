package io.jingress.k8s;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition until it holds or a deadline passes (tests never sleep to wait). */
final class Eventually {

    static final Duration DEADLINE = Duration.ofSeconds(10);

    private Eventually() {
    }

    static void await(BooleanSupplier condition, Supplier<String> whatWasExpected) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("not within " + DEADLINE + ": " + whatWasExpected.get());
            }
            // a short park between polls, so the poll does not hog a core the watcher needs
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
        }
    }
}
