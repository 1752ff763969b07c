package io.jingress.jetty.internal.http1;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.http.HttpVersion;

/** Jetty's own {@link HttpParser} run over a head, the reference the lean parsers are checked against. */
final class JettyHeads {
    private JettyHeads() {
    }

    /**
     * What Jetty made of a head: its first line (method, target and version of a request; status
     * of a response), its fields, or its failure; and the parser, for what it worked out (such as
     * the content length).
     */
    record Reading(String method, String uri, String version, int status, List<HttpField> fields, HttpException failure,
            HttpParser parser) {
    }

    /** A head: its first line (request or status line), the header lines, and the empty line. */
    static String head(String firstLine, String... lines) {
        StringBuilder head = new StringBuilder(firstLine).append("\r\n");
        for (String line : lines) {
            head.append(line).append("\r\n");
        }
        return head.append("\r\n").toString();
    }

    /** {@code text} a byte a char, as it arrives on the wire. */
    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Jetty's request parser over {@code text}. */
    static Reading request(String text) {
        Collector collector = new Collector();
        return collector.read(new HttpParser((HttpParser.RequestHandler) collector, HttpCompliance.RFC9110), text);
    }

    /** Jetty's response parser over {@code text}, the answer to a HEAD request if {@code headRequest}. */
    static Reading response(String text, boolean headRequest) {
        Collector collector = new Collector();
        HttpParser parser = new HttpParser((HttpParser.ResponseHandler) collector, HttpCompliance.RFC9110);
        parser.setHeadResponse(headRequest);
        return collector.read(parser, text);
    }

    private static final class Collector implements HttpParser.RequestHandler, HttpParser.ResponseHandler {
        private final List<HttpField> fields = new ArrayList<>();
        private String method;
        private String uri;
        private String version;
        private int status;
        private HttpException failure;
        private boolean complete;

        Reading read(HttpParser parser, String text) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes(text));
            while (buffer.hasRemaining() && !complete && failure == null) {
                parser.parseNext(buffer);
            }
            assertTrue(complete || failure != null, () -> "Jetty neither took nor refused " + text);
            return new Reading(method, uri, version, status, fields, failure, parser);
        }

        @Override
        public void startRequest(String method, String uri, HttpVersion version) {
            this.method = method;
            this.uri = uri;
            this.version = version.asString();
        }

        @Override
        public void startResponse(HttpVersion version, int status, String reason) {
            this.version = version.asString();
            this.status = status;
        }

        @Override
        public void parsedHeader(HttpField field) {
            fields.add(field);
        }

        @Override
        public boolean headerComplete() {
            complete = true;
            return true;
        }

        @Override
        public boolean content(ByteBuffer item) {
            return false;
        }

        @Override
        public boolean contentComplete() {
            return false;
        }

        @Override
        public boolean messageComplete() {
            return true;
        }

        @Override
        public void earlyEOF() {
        }

        @Override
        public void badMessage(HttpException bad) {
            failure = bad;
        }
    }
}
