package io.jingress.core.internal.route;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a regex of an Ingress (a regex path, a {@code canary-by-header-pattern}) on what a client
 * sent, at a bounded cost. {@link java.util.regex} backtracks, and some patterns take exponential
 * time on some inputs ({@code /(a+){2,64}$} on a path of 40 {@code a}s and a {@code !} would run for
 * hours); one request would pin a worker thread. The matcher reads its input through a
 * {@link CharSequence} that counts {@code charAt} calls, one per step the regex engine takes on
 * the input, and gives up with {@link Exceeded} past {@link #budget(int)} of them: no thread, no
 * timer, no allocation beyond the matcher and one small wrapper.
 *
 * <p>The budget: {@value #STEPS_PER_CHAR} steps per input char plus {@value #BASE_STEPS}. A
 * step of a backtracking regex costs about 8 ns (measured on {@code /(.*){1,30}b}, JDK 17), so a
 * path of 100 chars may cost about 9 ms, and one of 8 KiB (the most a request line holds by
 * default) about 75 ms: 9.2 million steps, close to the 10 million of PCRE's default match limit,
 * under which nginx runs the same regexes. A linear pattern reads each char once or a few times;
 * a quadratic one (an unanchored {@code .*x.*y} reads about 1.5 n&sup2; chars when it fails) stays
 * within the budget for inputs up to about 1,300 chars; only worse backtracking, or quadratic
 * backtracking on longer inputs, is cut off. A ten times larger budget
 * would let one request cost three quarters of a second per regex it reaches.
 *
 * <pre>{@code
 * try {
 *     matched = RegexBudget.find(pattern, path);
 * } catch (RegexBudget.Exceeded tooCostly) {
 *     matched = false;  // what a caller decides; say so where it is decided
 * }
 * }</pre>
 *
 * Not public API.
 */
public final class RegexBudget {
    /** Steps a regex may take per char of its input. */
    public static final long STEPS_PER_CHAR = 1_000;
    /** Steps a regex may take on any input, however short. */
    public static final long BASE_STEPS = 1_000_000;

    private static final Exceeded EXCEEDED = new Exceeded();

    private RegexBudget() {
    }

    /** The steps a regex may take on an input of {@code length} chars. */
    public static long budget(int length) {
        return STEPS_PER_CHAR * length + BASE_STEPS;
    }

    /**
     * Whether {@code pattern} finds a match in {@code input} ({@link Matcher#find()}).
     *
     * @throws Exceeded when it takes more than {@link #budget(int)} steps to say
     */
    public static boolean find(Pattern pattern, String input) {
        return pattern.matcher(new Counted(input, budget(input.length()))).find();
    }

    /**
     * Whether {@code pattern} matches the whole of {@code input} ({@link Matcher#matches()}).
     *
     * @throws Exceeded when it takes more than {@link #budget(int)} steps to say
     */
    public static boolean matches(Pattern pattern, String input) {
        return pattern.matcher(new Counted(input, budget(input.length()))).matches();
    }

    /**
     * The matcher of {@code pattern} after it found its first match in {@code input}, with its
     * groups; null when there is none.
     *
     * @throws Exceeded when it takes more than {@link #budget(int)} steps to say
     */
    public static Matcher found(Pattern pattern, String input) {
        Matcher matcher = pattern.matcher(new Counted(input, budget(input.length())));
        return matcher.find() ? matcher : null;
    }

    /**
     * A regex took more than its budget of steps on one input. Thrown without a stack trace (it
     * is expected, and the place it comes from says nothing), and always the same instance.
     */
    public static final class Exceeded extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private Exceeded() {
            super("the regex took more steps than its budget on this input", null, false, false);
        }
    }

    // The input as the matcher reads it: every char it looks at costs one step. A group's text
    // (subSequence) is the input's own and costs nothing: it is read after the match is found.
    private static final class Counted implements CharSequence {
        private final String input;
        private long left;

        Counted(String input, long budget) {
            this.input = Objects.requireNonNull(input, "input");
            this.left = budget;
        }

        @Override
        public char charAt(int index) {
            if (--left < 0) {
                throw EXCEEDED;
            }
            return input.charAt(index);
        }

        @Override
        public int length() {
            return input.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return input.substring(start, end);
        }

        @Override
        public String toString() {
            return input;
        }
    }
}
