package io.jingress.core.lb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Settings that would be ignored or make no sense are refused, naming the argument and what it may be. */
class PolicyArgumentsTest {

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("a negative base ejection",
                        (Executable) () -> new PassiveHealth(5, Duration.ofSeconds(-1), Duration.ofSeconds(2), 50),
                        "baseEjection must be zero or more, got PT-1S"),
                Arguments.of("a max ejection shorter than the base one",
                        (Executable) () -> new PassiveHealth(5, Duration.ofSeconds(10), Duration.ofSeconds(1), 50),
                        "maxEjection must be at least baseEjection (PT10S), got PT1S"),
                Arguments.of("negative consecutive failures",
                        (Executable) () -> new PassiveHealth(-1, Duration.ofSeconds(1), Duration.ofSeconds(2), 50),
                        "consecutiveFailures must be 0 (never eject) or more, got -1"),
                Arguments.of("an ejection percent above 100",
                        (Executable) () -> new PassiveHealth(5, Duration.ofSeconds(1), Duration.ofSeconds(2), 150),
                        "maxEjectionPercent must be 0 to 100, got 150"),
                Arguments.of("a hash key for round robin",
                        (Executable) () -> BalancerPolicy.hashing(Strategy.ROUND_ROBIN, HashKey.header("x")),
                        "strategy must be RING_HASH or MAGLEV to hash, got ROUND_ROBIN"),
                Arguments.of("a hash key for cookie affinity",
                        (Executable) () -> BalancerPolicy.hashing(Strategy.COOKIE_AFFINITY, HashKey.uri()),
                        "strategy must be RING_HASH or MAGLEV to hash, got COOKIE_AFFINITY"),
                Arguments.of("a policy record whose hash key its strategy ignores",
                        (Executable) () -> new BalancerPolicy(Strategy.LEAST_REQUEST, HashKey.uri(), null),
                        "hashKey is only for RING_HASH and MAGLEV; LEAST_REQUEST would ignore it"),
                Arguments.of("a policy record whose cookie its strategy ignores",
                        (Executable) () -> new BalancerPolicy(Strategy.RANDOM, null, "SESSION"),
                        "affinityCookie is only for COOKIE_AFFINITY; RANDOM would ignore it"));
    }

    @ParameterizedTest(name = "{0} is refused")
    @MethodSource("refused")
    void settingsThatWouldBeIgnoredOrMakeNoSenseAreRefused(String what, Executable executable, String message) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, executable, what);
        assertEquals(message, refused.getMessage());
    }

    @Test
    void theEdgesOfWhatIsAllowedAreAccepted() {
        assertEquals(Duration.ofSeconds(5), new PassiveHealth(1, Duration.ofSeconds(5), Duration.ofSeconds(5), 100).maxEjection());
        assertEquals(PassiveHealth.DISABLED, new PassiveHealth(0, Duration.ZERO, Duration.ZERO, 0));
        assertEquals(Strategy.MAGLEV, BalancerPolicy.hashing(Strategy.MAGLEV, HashKey.uri()).strategy());
    }
}
