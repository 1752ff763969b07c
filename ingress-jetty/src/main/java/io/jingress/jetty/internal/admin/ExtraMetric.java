package io.jingress.jetty.internal.admin;

import java.util.List;
import java.util.Objects;
import java.util.function.DoubleSupplier;
import java.util.regex.Pattern;

/**
 * A metric without labels that the embedding application adds to {@code /metrics}, read at each
 * scrape: how the source of routes is doing (the API server's watches, leadership), which the proxy
 * cannot see. A value that is NaN writes the family's HELP and TYPE without a sample: not known yet.
 *
 * @param name a Prometheus metric name ({@code [a-zA-Z_:][a-zA-Z0-9_:]*})
 * @param type {@code gauge} or {@code counter}
 * @param help one line saying what it counts
 * @param value read at each scrape, on the admin port's thread
 */
public record ExtraMetric(String name, String type, String help, DoubleSupplier value) {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    public ExtraMetric {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(help, "help");
        Objects.requireNonNull(value, "value");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("metric name " + name + " is not a Prometheus name ([a-zA-Z_:][a-zA-Z0-9_:]*)");
        }
        if (!type.equals("gauge") && !type.equals("counter")) {
            throw new IllegalArgumentException("metric " + name + ": type must be gauge or counter, got " + type);
        }
    }

    static void append(PrometheusText text, List<ExtraMetric> metrics) {
        for (ExtraMetric metric : metrics) {
            text.metric(metric.name, metric.type, metric.help);
            double value = metric.value.getAsDouble();
            if (!Double.isNaN(value)) {
                text.sample(metric.name, value);
            }
        }
    }
}
