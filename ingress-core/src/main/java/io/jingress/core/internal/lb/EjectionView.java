package io.jingress.core.internal.lb;

/**
 * Which of one balancer's endpoints it skips because they are ejected: an immutable snapshot,
 * valid until the ejection epoch moves (a new ejection) or the earliest ejection ends.
 *
 * <p>Endpoints are shared by backends, so an ejection is a fact about the endpoint, while the
 * max-ejection-percent cap is applied per balancer here: a balancer honours at most
 * {@code floor(n * maxEjectionPercent / 100)} ejections (the first ejected endpoints in its own
 * order) and ignores the rest. When every endpoint is ejected (possible only at 100 %) nothing is
 * skipped: panic mode.
 */
final class EjectionView {
    static final EjectionView NONE = new EjectionView(Long.MIN_VALUE, Long.MAX_VALUE, null);

    final long epoch;
    /** The clock value at which an ejection ends; {@code Long.MAX_VALUE} when none is running. */
    final long validUntil;
    /** Indexes to skip, or {@code null} for none. */
    final boolean[] skip;

    private EjectionView(long epoch, long validUntil, boolean[] skip) {
        this.epoch = epoch;
        this.validUntil = validUntil;
        this.skip = skip;
    }

    static EjectionView compute(long epoch, long now, EndpointState[] states, int maxEjectionPercent) {
        int n = states.length;
        int cap = (int) ((long) n * maxEjectionPercent / 100);
        boolean[] skip = null;
        int skipped = 0;
        boolean anyEjected = false;
        long earliestEnd = 0;
        for (int i = 0; i < n; i++) {
            if (!states[i].isEjected(now)) {
                continue;
            }
            long until = states[i].ejectedUntil();
            if (!anyEjected || until - earliestEnd < 0) {
                earliestEnd = until;
            }
            anyEjected = true;
            if (skipped < cap) {
                if (skip == null) {
                    skip = new boolean[n];
                }
                skip[i] = true;
                skipped++;
            }
        }
        if (skipped == n) {
            skip = null;
        }
        return new EjectionView(epoch, anyEjected ? earliestEnd : Long.MAX_VALUE, skip);
    }
}
