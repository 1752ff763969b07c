package io.jingress.core.lb;

/** The load-balancing strategies; each backend has one (round robin unless told otherwise). */
public enum Strategy {
    /** Each endpoint in turn. The default. */
    ROUND_ROBIN,
    /** nginx's smooth weighted round robin. */
    WEIGHTED_ROUND_ROBIN,
    /** Uniformly at random. */
    RANDOM,
    /** Least in-flight requests between two random endpoints (power of two choices). */
    LEAST_REQUEST,
    /** Peak EWMA of latency times in-flight requests, between two random endpoints (Finagle, Linkerd). */
    PEAK_EWMA,
    /** Consistent hashing of a request key on a Ketama ring. */
    RING_HASH,
    /** Consistent hashing of a request key with Maglev's lookup table (65537 entries). */
    MAGLEV,
    /** A cookie names the endpoint; a client without one (or whose endpoint left) gets one. */
    COOKIE_AFFINITY
}
