package io.jingress.core.internal.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

class RegexBudgetTest {
    @Test
    void aPatternThatBacktracksWithoutEndGivesUpPastItsBudget() {
        Pattern slow = Pattern.compile("^/(a+){2,64}$");

        assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(RegexBudget.Exceeded.class, () -> RegexBudget.find(slow, "/" + "a".repeat(40) + "!")));
        assertTrue(RegexBudget.find(slow, "/aaaa"));
        assertFalse(RegexBudget.find(slow, "/aaab"));
    }

    @Test
    void linearAndQuadraticPatternsOnLongInputsStayWithinTheBudget() {
        String path = "/" + "ab/".repeat(2_700);

        assertTrue(RegexBudget.find(Pattern.compile("^/(ab/)+$"), path));
        // an unanchored .*x.*y reads about 1.5 n^2 chars: within 1,000 n + 1,000,000 up to about 1,300 chars
        assertFalse(RegexBudget.find(Pattern.compile(".*x.*y"), "a".repeat(1_200)));
        assertThrows(RegexBudget.Exceeded.class, () -> RegexBudget.find(Pattern.compile(".*x.*y"), "a".repeat(1_500)));
    }

    @Test
    void theMatcherFoundHasTheGroupsOfItsMatchOrIsNull() {
        Matcher found = RegexBudget.found(Pattern.compile("^/something(/|$)(.*)"), "/something/new/page");

        assertEquals("new/page", found.group(2));
        assertEquals("/something/new/page", found.group());
        assertNull(RegexBudget.found(Pattern.compile("^/other"), "/something"));
    }

    @Test
    void theGateOpensOncePerKeyPerGap() {
        AtomicLong now = new AtomicLong(0);
        ReportGate gate = ReportGate.every(60, now::get);

        assertTrue(gate.open("a"));
        assertFalse(gate.open("a"));
        assertTrue(gate.open("b"));
        now.set(59);
        assertFalse(gate.open("a"));
        now.set(60);
        assertTrue(gate.open("a"));
        assertFalse(gate.open("b") && gate.open("b"));
    }
}
