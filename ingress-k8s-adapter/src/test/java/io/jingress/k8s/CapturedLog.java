package io.jingress.k8s;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What the log says while it is open: slf4j-simple writes to {@code System.err} as it is at each
 * line, so this puts a copy of it in between (everything still reaches the old stream).
 *
 * <pre>{@code
 * try (CapturedLog log = CapturedLog.start()) {
 *     ... ;
 *     assertTrue(log.lines().stream().anyMatch(l -> l.contains("serving 4 Ingresses")), log.text());
 * }
 * }</pre>
 */
final class CapturedLog implements AutoCloseable {

    private final PrintStream original;
    private final ByteArrayOutputStream copy = new ByteArrayOutputStream();

    private CapturedLog() {
        original = System.err;
        OutputStream both = new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (copy) {
                    copy.write(b);
                }
                original.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (copy) {
                    copy.write(b, off, len);
                }
                original.write(b, off, len);
            }
        };
        System.setErr(new PrintStream(both, true, StandardCharsets.UTF_8));
    }

    static CapturedLog start() {
        return new CapturedLog();
    }

    String text() {
        synchronized (copy) {
            return copy.toString(StandardCharsets.UTF_8);
        }
    }

    List<String> lines() {
        return text().lines().toList();
    }

    /** The lines holding {@code part}. */
    List<String> linesWith(String part) {
        return lines().stream().filter(line -> line.contains(part)).toList();
    }

    @Override
    public void close() {
        System.setErr(original);
    }
}
