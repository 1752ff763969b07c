package io.jingress.k8s.internal.translate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProblemLogTest {

    @Test
    void onlyProblemsThatAppearAreReturned() {
        ProblemLog log = new ProblemLog();

        assertEquals(List.of("a", "b"), log.update(List.of("a", "b")).added());
        assertEquals(List.of(), log.update(List.of("b", "a")).added());
        assertEquals(List.of("c"), log.update(List.of("a", "c")).added());
    }

    @Test
    void problemThatGoesAwayAndComesBackIsReturnedAgain() {
        ProblemLog log = new ProblemLog();
        log.update(List.of("a"));
        log.update(List.of());

        assertEquals(List.of("a"), log.update(List.of("a")).added());
    }

    @Test
    void problemsThatGoAwayAreReturnedAsClearedOnce() {
        ProblemLog log = new ProblemLog();
        log.update(List.of("a", "b", "c"));

        ProblemLog.Changes changes = log.update(List.of("b"));
        assertEquals(List.of("a", "c"), changes.cleared());
        assertEquals(List.of(), changes.added());
        assertEquals(List.of(), log.update(List.of("b")).cleared());
        assertEquals(List.of("b"), log.update(List.of()).cleared());
    }
}
