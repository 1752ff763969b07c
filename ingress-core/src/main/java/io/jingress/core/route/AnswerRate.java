package io.jingress.core.route;

/**
 * The pace of the answers of an Ingress's routes ({@code limit-rate}, {@code limit-rate-after}), as
 * nginx's {@code limit_rate} and {@code limit_rate_after}: each answer's body goes to its client at
 * no more than {@link #bytesPerSecond()}, after its first {@link #afterBytes()} went at full speed.
 *
 * @param bytesPerSecond the rate, above 0
 * @param afterBytes the bytes of each answer sent before the rate applies, 0 or more
 */
public record AnswerRate(long bytesPerSecond, long afterBytes) {
    public AnswerRate {
        if (bytesPerSecond <= 0 || afterBytes < 0) {
            throw new IllegalArgumentException("rate " + bytesPerSecond + " after " + afterBytes);
        }
    }

    /** {@code answers at most 100 KiB/s after 1 MiB (limit-rate, limit-rate-after)}. */
    public String describe() {
        return "answers at most " + BodySizeAnnotation.describe(bytesPerSecond) + "/s"
                + (afterBytes == 0 ? " (limit-rate)" : " after " + BodySizeAnnotation.describe(afterBytes)
                        + " (limit-rate, limit-rate-after)");
    }
}
