package io.jingress.jetty.internal.admin;

import java.util.concurrent.atomic.LongAdder;

/**
 * Request counts of one label pair (ingress, service), one counter per method and status class.
 * Instances are interned by {@link ProxyMetrics}, so the request path only indexes an array.
 */
final class RequestCounters {
    /** The {@code method} label values; anything else counts as {@code other}. */
    static final String[] METHODS = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "other"};
    /** The {@code status} label values. */
    static final String[] STATUS_CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};

    private final String ingress;
    private final String service;
    private final LatencyHistogram latency;
    private final LongAdder[] counts = new LongAdder[METHODS.length * STATUS_CLASSES.length];

    /**
     * @param ingress {@code ns/name} of the Ingress, or {@code ""} for requests no rule matched
     * @param service {@code ns/svc:port} of the backend, or {@code ""}
     * @param latency the service's histogram, or {@code null} when there is no service
     */
    RequestCounters(String ingress, String service, LatencyHistogram latency) {
        this.ingress = ingress;
        this.service = service;
        this.latency = latency;
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    String ingress() {
        return ingress;
    }

    String service() {
        return service;
    }

    void record(String method, int status, long upstreamNanos) {
        counts[methodIndex(method) * STATUS_CLASSES.length + statusClassIndex(status)].increment();
        if (upstreamNanos >= 0 && latency != null) {
            latency.observe(upstreamNanos);
        }
    }

    long count(int methodIndex, int statusClassIndex) {
        return counts[methodIndex * STATUS_CLASSES.length + statusClassIndex].sum();
    }

    static int methodIndex(String method) {
        if (method == null) {
            return METHODS.length - 1;
        }
        // Jetty hands over its cached method strings, so this is a hash lookup without allocation.
        switch (method) {
            case "GET":
                return 0;
            case "HEAD":
                return 1;
            case "POST":
                return 2;
            case "PUT":
                return 3;
            case "DELETE":
                return 4;
            case "PATCH":
                return 5;
            case "OPTIONS":
                return 6;
            default:
                return METHODS.length - 1;
        }
    }

    /** 1xx..5xx; a status outside 100..599 (no valid response was sent) counts as 5xx. */
    static int statusClassIndex(int status) {
        int index = status / 100 - 1;
        return index >= 0 && index < STATUS_CLASSES.length ? index : STATUS_CLASSES.length - 1;
    }
}
