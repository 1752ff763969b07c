package io.jingress.jetty.internal.admin;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A strict reader of the Prometheus text format 0.0.4, for tests: it fails on any line that is not a
 * {@code # HELP}, {@code # TYPE} or {@code name{label="value",...} number} line, and on a sample
 * whose metric family was not declared with both HELP and TYPE before it.
 */
final class PrometheusParser {
    record Sample(String name, Map<String, String> labels, double value) {
    }

    private final Map<String, String> types = new HashMap<>();
    private final Map<String, String> helps = new HashMap<>();
    private final List<Sample> samples = new ArrayList<>();

    static PrometheusParser parse(String text) {
        PrometheusParser parser = new PrometheusParser();
        if (!text.endsWith("\n")) {
            throw new IllegalArgumentException("the exposition must end with a line feed");
        }
        int lineNumber = 0;
        for (String line : text.split("\n", -1)) {
            lineNumber++;
            if (line.isEmpty()) {
                continue;
            }
            try {
                parser.line(line);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("line " + lineNumber + ": " + e.getMessage() + ": " + line, e);
            }
        }
        return parser;
    }

    private void line(String line) {
        if (line.startsWith("# HELP ")) {
            String rest = line.substring(7);
            int space = rest.indexOf(' ');
            String name = space < 0 ? rest : rest.substring(0, space);
            checkName(name);
            if (helps.put(name, space < 0 ? "" : rest.substring(space + 1)) != null) {
                throw new IllegalArgumentException("second HELP for " + name);
            }
        } else if (line.startsWith("# TYPE ")) {
            String[] parts = line.substring(7).split(" ");
            if (parts.length != 2 || !Set.of("counter", "gauge", "histogram", "summary", "untyped").contains(parts[1])) {
                throw new IllegalArgumentException("bad TYPE line");
            }
            checkName(parts[0]);
            if (types.put(parts[0], parts[1]) != null) {
                throw new IllegalArgumentException("second TYPE for " + parts[0]);
            }
        } else if (line.startsWith("#")) {
            return;
        } else {
            samples.add(sample(line));
        }
    }

    private Sample sample(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
            i++;
        }
        String name = line.substring(0, i);
        checkName(name);
        String family = family(name);
        if (!types.containsKey(family) || !helps.containsKey(family)) {
            throw new IllegalArgumentException("sample of " + family + " without HELP and TYPE before it");
        }
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (line.charAt(i) != '}') {
                int eq = line.indexOf('=', i);
                String label = line.substring(i, eq);
                if (!label.matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
                    throw new IllegalArgumentException("bad label name " + label);
                }
                if (line.charAt(eq + 1) != '"') {
                    throw new IllegalArgumentException("label value not quoted");
                }
                StringBuilder value = new StringBuilder();
                int j = eq + 2;
                for (; line.charAt(j) != '"'; j++) {
                    char c = line.charAt(j);
                    if (c == '\\') {
                        char next = line.charAt(++j);
                        switch (next) {
                            case '\\' -> value.append('\\');
                            case '"' -> value.append('"');
                            case 'n' -> value.append('\n');
                            default -> throw new IllegalArgumentException("bad escape \\" + next);
                        }
                    } else {
                        value.append(c);
                    }
                }
                labels.put(label, value.toString());
                i = j + 1;
                if (line.charAt(i) == ',') {
                    i++;
                }
            }
            i++;
        }
        if (line.charAt(i) != ' ') {
            throw new IllegalArgumentException("no space before the value");
        }
        String number = line.substring(i + 1);
        double value = switch (number) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(number);
        };
        return new Sample(name, labels, value);
    }

    private String family(String sampleName) {
        for (String suffix : List.of("_bucket", "_sum", "_count")) {
            if (sampleName.endsWith(suffix)) {
                String base = sampleName.substring(0, sampleName.length() - suffix.length());
                if ("histogram".equals(types.get(base)) || "summary".equals(types.get(base))) {
                    return base;
                }
            }
        }
        return sampleName;
    }

    private static void checkName(String name) {
        if (!name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*")) {
            throw new IllegalArgumentException("bad metric name " + name);
        }
    }

    String type(String family) {
        return types.get(family);
    }

    List<Sample> samples() {
        return samples;
    }

    /** The value of the one sample with this name and exactly these labels (alternating names and values). */
    double value(String name, String... labels) {
        Map<String, String> wanted = new HashMap<>();
        for (int i = 0; i + 1 < labels.length; i += 2) {
            wanted.put(labels[i], labels[i + 1]);
        }
        List<Sample> found = samples.stream().filter(s -> s.name.equals(name) && s.labels.equals(wanted)).toList();
        if (found.size() != 1) {
            throw new AssertionError(found.size() + " samples " + name + wanted + " in " + samples);
        }
        return found.get(0).value;
    }

    /** Like {@link #value} but 0 when no such sample was written. */
    double valueOrZero(String name, String... labels) {
        Map<String, String> wanted = new HashMap<>();
        for (int i = 0; i + 1 < labels.length; i += 2) {
            wanted.put(labels[i], labels[i + 1]);
        }
        return samples.stream().filter(s -> s.name.equals(name) && s.labels.equals(wanted))
                .mapToDouble(Sample::value).findFirst().orElse(0);
    }
}
