package io.jingress.jetty.internal.proxy;

import io.jingress.core.route.ResponseCompression;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The client's response, the endpoint's answer gzip-compressed on its way when it qualifies (the
 * controller ConfigMap's {@code use-gzip}, {@link ResponseCompression}), as nginx's gzip module does it
 * for ingress-nginx ({@code gzip_proxied any}, {@code gzip_vary on}). Put in place only for a request
 * whose client accepts gzip; the answer is judged at its first write, when its status and header
 * fields are all set: status 200, 403 or 404, no {@code Content-Encoding}, a type the settings list,
 * a {@code Content-Length} (if any) of at least the minimum, and no {@code Cache-Control: no-transform}
 * (which nginx ignores; RFC 9110 asks a proxy to keep such an answer as it is). A compressed answer
 * loses its {@code Content-Length} (it goes chunked over HTTP/1.1), gets {@code Content-Encoding: gzip},
 * {@code Vary: Accept-Encoding} and its {@code ETag} made weak; every write is compressed and flushed
 * at once ({@code SYNC_FLUSH}), one write to the client for each, so a streamed answer is not held back
 * and the endpoint is read no faster than the client takes it.
 */
final class CompressedAnswer extends Response.Wrapper {
    private static final HttpField GZIP = new HttpField(HttpHeader.CONTENT_ENCODING, "gzip");

    private final ResponseCompression settings;
    private Content.Sink sink;  // null until the first write judged the answer

    private CompressedAnswer(Request request, Response response, ResponseCompression settings) {
        super(request, response);
        this.settings = settings;
    }

    /**
     * The client's response compressing the answer when it qualifies, or {@code response} itself when
     * the request cannot have one compressed: no gzip in its {@code Accept-Encoding}, a HEAD, HTTP/1.0.
     */
    static Response of(Request request, Response response, ResponseCompression settings) {
        if (settings == null || "HEAD".equals(request.getMethod())
                || request.getConnectionMetaData().getHttpVersion() == HttpVersion.HTTP_1_0
                || !acceptsGzip(request.getHeaders())) {
            return response;
        }
        return new CompressedAnswer(request, response, settings);
    }

    /** Whether an {@code Accept-Encoding} takes gzip: listed (or {@code *}) with a weight above 0. */
    static boolean acceptsGzip(HttpFields headers) {
        boolean star = false;
        for (HttpField field : headers) {
            if (field.getHeader() != HttpHeader.ACCEPT_ENCODING) {
                continue;
            }
            for (String entry : field.getValue().split(",")) {
                int semicolon = entry.indexOf(';');
                String coding = (semicolon < 0 ? entry : entry.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
                boolean refused = semicolon >= 0 && refused(entry.substring(semicolon + 1));
                if (coding.equals("gzip") || coding.equals("x-gzip")) {
                    return !refused;
                }
                if (coding.equals("*")) {
                    star = !refused;
                }
            }
        }
        return star;
    }

    // q=0 (or 0.0, 0.00, 0.000): not acceptable (RFC 9110 section 12.4.2)
    private static boolean refused(String parameters) {
        for (String parameter : parameters.split(";")) {
            String p = parameter.trim().toLowerCase(Locale.ROOT);
            if (p.startsWith("q=")) {
                return p.substring(2).trim().matches("0(\\.0{0,3})?");
            }
        }
        return false;
    }

    @Override
    public void write(boolean last, ByteBuffer content, Callback callback) {
        Content.Sink target = sink;
        if (target == null) {
            target = compressed() ? new GzipSink(getWrapped(), settings.level()) : getWrapped();
            sink = target;
        }
        target.write(last, content, callback);
    }

    // Judges the answer, and when it is compressed makes its header fields say so.
    private boolean compressed() {
        int status = getStatus();
        if (status != 200 && status != 403 && status != 404) {
            return false;
        }
        HttpFields.Mutable headers = getHeaders();
        String encoding = headers.get(HttpHeader.CONTENT_ENCODING);
        if (encoding != null && !encoding.trim().equalsIgnoreCase("identity")) {
            return false;
        }
        if (!settings.compresses(headers.get(HttpHeader.CONTENT_TYPE))) {
            return false;
        }
        long length = headers.getLongField(HttpHeader.CONTENT_LENGTH);
        if (length >= 0 && length < settings.minLength()) {
            return false;
        }
        String cacheControl = headers.get(HttpHeader.CACHE_CONTROL);
        if (cacheControl != null && cacheControl.toLowerCase(Locale.ROOT).contains("no-transform")) {
            return false;
        }
        headers.remove(HttpHeader.CONTENT_LENGTH);
        headers.remove(HttpHeader.CONTENT_ENCODING);
        headers.add(GZIP);
        if (!headers.contains(HttpHeader.VARY, "*") && !headers.contains(HttpHeader.VARY, "Accept-Encoding")) {
            headers.add(HttpHeader.VARY, "Accept-Encoding");
        }
        String etag = headers.get(HttpHeader.ETAG);
        if (etag != null && etag.startsWith("\"")) {
            headers.put(HttpHeader.ETAG, "W/" + etag);  // the bytes differ from the endpoint's, as nginx marks them
        }
        return true;
    }

    /**
     * A gzip stream (RFC 1952) of what is written, each write deflated whole and flushed
     * ({@code SYNC_FLUSH}) into one write of the sink; the last adds the deflate end and the trailer.
     * The deflater's memory is given back when the last write completes or a write fails.
     */
    static final class GzipSink implements Content.Sink {
        private static final byte[] HEADER = {0x1f, (byte) 0x8b, Deflater.DEFLATED, 0, 0, 0, 0, 0, 0, (byte) 0xff};

        private final Content.Sink sink;
        private final Deflater deflater;
        private final CRC32 crc = new CRC32();
        private boolean started;
        private boolean ended;
        private byte[] out = new byte[0];
        private int size;

        GzipSink(Content.Sink sink, int level) {
            this.sink = sink;
            this.deflater = new Deflater(level, true);
        }

        @Override
        public void write(boolean last, ByteBuffer content, Callback callback) {
            if (ended) {
                callback.failed(new IllegalStateException("the gzip stream has ended"));
                return;
            }
            out = new byte[Math.max(64, (content == null ? 0 : content.remaining()) + 64)];
            size = 0;
            if (!started) {
                started = true;
                append(HEADER, HEADER.length);
            }
            if (content != null && content.hasRemaining()) {
                crc.update(content.duplicate());
                deflater.setInput(content);
                deflateInput();
                deflater.setInput(new byte[0]);  // the caller's buffer is not held past this write
                if (!last) {
                    flush();
                }
            }
            if (last) {
                finishStream();
                long crcValue = crc.getValue();
                long length = deflater.getBytesRead();
                byte[] trailer = new byte[8];
                for (int i = 0; i < 4; i++) {
                    trailer[i] = (byte) (crcValue >>> (8 * i));
                    trailer[4 + i] = (byte) (length >>> (8 * i));
                }
                append(trailer, trailer.length);
            }
            ByteBuffer compressed = ByteBuffer.wrap(out, 0, size);
            out = null;
            sink.write(last, compressed, Callback.from(() -> {
                if (last) {
                    end();
                }
                callback.succeeded();
            }, failure -> {
                end();
                callback.failed(failure);
            }));
        }

        // takes in all the input set; what it gives back so far is kept
        private void deflateInput() {
            while (!deflater.needsInput()) {
                room();
                size += deflater.deflate(out, size, out.length - size, Deflater.NO_FLUSH);
            }
        }

        // gives back everything taken in so far, to a byte boundary (zlib: done when output is left unfilled)
        private void flush() {
            while (true) {
                room();
                int space = out.length - size;
                int n = deflater.deflate(out, size, space, Deflater.SYNC_FLUSH);
                size += n;
                if (n < space) {
                    return;
                }
            }
        }

        private void finishStream() {
            deflater.finish();
            while (!deflater.finished()) {
                room();
                size += deflater.deflate(out, size, out.length - size, Deflater.NO_FLUSH);
            }
        }

        private void room() {
            if (size == out.length) {
                out = Arrays.copyOf(out, out.length * 2);
            }
        }

        private void append(byte[] bytes, int length) {
            if (size + length > out.length) {
                out = Arrays.copyOf(out, Math.max(out.length * 2, size + length));
            }
            System.arraycopy(bytes, 0, out, size, length);
            size += length;
        }

        private void end() {
            if (!ended) {
                ended = true;
                deflater.end();
            }
        }
    }
}
