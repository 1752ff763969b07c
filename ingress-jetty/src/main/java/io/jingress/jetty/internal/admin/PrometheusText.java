package io.jingress.jetty.internal.admin;

import java.math.BigDecimal;

/**
 * Writes the Prometheus text exposition format, version 0.0.4: a {@code # HELP} and a
 * {@code # TYPE} line per metric, then its samples as {@code name{label="value",...} number}.
 */
final class PrometheusText {
    /** The {@code Content-Type} of the format. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final StringBuilder out = new StringBuilder(8192);

    /** Starts a metric family. {@code type} is {@code counter}, {@code gauge} or {@code histogram}. */
    PrometheusText metric(String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ');
        escape(help, false);
        out.append('\n').append("# TYPE ").append(name).append(' ').append(type).append('\n');
        return this;
    }

    /** A sample; {@code labels} alternates names and values. */
    PrometheusText sample(String name, long value, String... labels) {
        start(name, labels);
        out.append(value).append('\n');
        return this;
    }

    /** A sample with a floating-point value. */
    PrometheusText sample(String name, double value, String... labels) {
        start(name, labels);
        if (Double.isNaN(value)) {
            out.append("NaN");
        } else if (Double.isInfinite(value)) {
            out.append(value > 0 ? "+Inf" : "-Inf");
        } else if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            out.append((long) value);
        } else {
            // plain digits read better than 1.79579230081E9 in a timestamp; both are valid
            out.append(BigDecimal.valueOf(value).toPlainString());
        }
        out.append('\n');
        return this;
    }

    private void start(String name, String[] labels) {
        out.append(name);
        if (labels.length > 0) {
            out.append('{');
            for (int i = 0; i + 1 < labels.length; i += 2) {
                if (i > 0) {
                    out.append(',');
                }
                out.append(labels[i]).append("=\"");
                escape(labels[i + 1], true);
                out.append('"');
            }
            out.append('}');
        }
        out.append(' ');
    }

    /** Label values escape backslash, double quote and line feed; HELP text only the first and last. */
    private void escape(String text, boolean labelValue) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                out.append("\\\\");
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c == '"' && labelValue) {
                out.append("\\\"");
            } else {
                out.append(c);
            }
        }
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
