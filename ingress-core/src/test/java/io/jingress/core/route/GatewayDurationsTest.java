package io.jingress.core.route;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GatewayDurationsTest {

    @ParameterizedTest
    @CsvSource({
            "10s, 10000",
            "500ms, 500",
            "1m30s, 90000",
            "1h, 3600000",
            "1h2m3s4ms, 3723004",
            "0s, 0",
            "99999ms, 99999",
            // the GEP takes the units in any order, and one twice
            "30s1m, 90000",
            "1s1s, 2000"})
    void readsGatewayApiDurations(String text, long millis) {
        assertEquals(millis, GatewayDurations.millis(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10", "s", "ms", "1.5s", "-1s", "+1s", "123456s", "1s1s1s1s1s", "10 s", " 10s", "1d", "10S",
            "1us", "1m5", "PT10S"})
    void refusesWhatIsNoGatewayApiDuration(String text) {
        assertEquals(-1, GatewayDurations.millis(text));
    }

    @ParameterizedTest
    @CsvSource({"300, 300 ms", "1000, 1 s", "1500, 1.5 s", "90000, 90 s", "120000, 2 min", "3600000, 60 min"})
    void describesMilliseconds(long millis, String phrase) {
        assertEquals(phrase, GatewayDurations.describe(millis));
    }
}
