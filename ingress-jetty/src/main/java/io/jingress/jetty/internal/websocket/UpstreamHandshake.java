package io.jingress.jetty.internal.websocket;

import io.jingress.core.lb.Endpoint;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.IteratingCallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection to the upstream while the upgrade is negotiated: writes the request head, parses
 * the response head, then either relays an ordinary response (status, headers, streamed body) to
 * the client and closes, or, on 101, answers the client with the 101 and turns both connections
 * into a {@link TunnelConnection} pair.
 */
final class UpstreamHandshake extends AbstractConnection.NonBlocking
        implements Connection.UpgradeFrom, HttpParser.ResponseHandler {
    private static final Logger LOG = LoggerFactory.getLogger(UpstreamHandshake.class);

    /** RFC 9110 7.6.1 hop-by-hop fields, plus Proxy-Connection; those named in Connection go too. */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection",
            "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade");

    private final UpgradeTunnel tunnel;
    private final Request clientToProxyRequest;
    private final Response proxyToClientResponse;
    private final Callback callback;
    private final Endpoint endpoint;
    private final long startNanos;
    private final ByteBuffer proxyToServerHead;
    private final long idleTimeoutMillis;
    private final ByteBufferPool bufferPool;
    private final HttpParser parser;
    private final Relay relay = new Relay();
    private final AtomicBoolean ended = new AtomicBoolean();

    private final HttpFields.Mutable serverToProxyHeaders = HttpFields.build();
    private RetainableByteBuffer buffer;
    private ByteBuffer leftover;
    private int status;
    private boolean headComplete;
    private boolean interim;
    private boolean interimComplete;
    private boolean upgraded;
    private boolean messageComplete;
    private ByteBuffer content;
    private Throwable parseFailure;

    UpstreamHandshake(EndPoint endPoint, Executor executor, ByteBufferPool bufferPool, UpgradeTunnel tunnel,
            Request clientToProxyRequest, Response proxyToClientResponse, Callback callback, Endpoint endpoint,
            long startNanos, ByteBuffer proxyToServerHead, long idleTimeoutMillis) {
        super(endPoint, executor);
        this.tunnel = tunnel;
        this.clientToProxyRequest = clientToProxyRequest;
        this.proxyToClientResponse = proxyToClientResponse;
        this.callback = callback;
        this.endpoint = endpoint;
        this.startNanos = startNanos;
        this.proxyToServerHead = proxyToServerHead;
        this.idleTimeoutMillis = idleTimeoutMillis;
        this.bufferPool = bufferPool;
        this.parser = new HttpParser(this, tunnel.maxResponseHeadBytes());
    }

    @Override
    public void onOpen() {
        super.onOpen();
        getEndPoint().write(Callback.from(relay::iterate, this::failBeforeResponse), proxyToServerHead);
    }

    @Override
    public void onFillable() {
        relay.iterate();
    }

    @Override
    public ByteBuffer onUpgradeFrom() {
        ByteBuffer rest = leftover;
        leftover = null;
        return rest;
    }

    /** Records the upstream exchange once: success is "a response head came back". */
    void end(boolean success) {
        if (ended.compareAndSet(false, true)) {
            endpoint.onEnd(startNanos, success);
        }
    }

    /** Nothing reached the client yet: answer 504 on a timeout, 502 otherwise. */
    void failBeforeResponse(Throwable failure) {
        end(false);
        getEndPoint().close(failure);
        if (LOG.isDebugEnabled()) {
            LOG.debug("Upgrade to {} failed before a response: {}", endpoint.id(), failure.toString());
        }
        int status = failure instanceof TimeoutException ? HttpStatus.GATEWAY_TIMEOUT_504 : HttpStatus.BAD_GATEWAY_502;
        UpgradeTunnel.writePlainError(proxyToClientResponse, callback, status);
    }

    // HttpParser.ResponseHandler: called from parser.parseNext, inside Relay.process

    @Override
    public void startResponse(HttpVersion version, int status, String reason) {
        this.status = status;
    }

    @Override
    public void parsedHeader(HttpField field) {
        serverToProxyHeaders.add(field);
    }

    @Override
    public boolean headerComplete() {
        if (status == HttpStatus.SWITCHING_PROTOCOLS_101) {
            headComplete = true;
            upgraded = true;
            return true;
        }
        if (HttpStatus.isInformational(status)) {
            // a stray 100 or 103 ahead of the real answer: not for this client
            interim = true;
            serverToProxyHeaders.clear();
            return false;
        }
        headComplete = true;
        return false;
    }

    @Override
    public boolean content(ByteBuffer item) {
        content = item;
        return true;
    }

    @Override
    public boolean contentComplete() {
        return false;
    }

    @Override
    public boolean messageComplete() {
        if (interim) {
            interim = false;
            interimComplete = true;
            return true;
        }
        messageComplete = true;
        return true;
    }

    @Override
    public void earlyEOF() {
        parseFailure = new IOException("upstream " + endpoint.id() + " closed the connection early");
    }

    @Override
    public void badMessage(HttpException failure) {
        parseFailure = new IOException("bad response from upstream " + endpoint.id() + ": " + failure.getReason());
    }

    private void switchProtocols() {
        end(true);
        ByteBuffer rest = buffer.getByteBuffer();
        if (rest.hasRemaining()) {
            // bytes the upstream sent right after its 101: the first bytes of the new protocol
            leftover = ByteBuffer.allocate(rest.remaining());
            leftover.put(rest).flip();
        }
        EndPoint clientEndPoint = clientToProxyRequest.getTunnelSupport().getEndPoint();
        TunnelConnection clientSide = new TunnelConnection(clientEndPoint, getExecutor(), bufferPool,
                tunnel.bufferSize(), "client->" + endpoint.id());
        TunnelConnection upstreamSide = new TunnelConnection(getEndPoint(), getExecutor(), bufferPool,
                tunnel.bufferSize(), endpoint.id() + "->client");
        TunnelConnection.pair(clientSide, upstreamSide, idleTimeoutMillis);
        // Takes the leftover through onUpgradeFrom; the upstream side waits for clientSide to start it.
        getEndPoint().upgrade(upstreamSide);

        proxyToClientResponse.setStatus(HttpStatus.SWITCHING_PROTOCOLS_101);
        copyEndToEndHeaders();
        proxyToClientResponse.getHeaders().put(HttpHeader.CONNECTION, "Upgrade");
        String protocol = serverToProxyHeaders.get(HttpHeader.UPGRADE);
        if (protocol != null) {
            proxyToClientResponse.getHeaders().put(HttpHeader.UPGRADE, protocol);
        }
        // Jetty hands the client's EndPoint to clientSide once this response is written and the
        // handler's callback has succeeded (as ConnectHandler does for CONNECT).
        clientToProxyRequest.setAttribute(HttpStream.UPGRADE_CONNECTION_ATTRIBUTE, clientSide);
        proxyToClientResponse.write(true, BufferUtil.EMPTY_BUFFER, Callback.from(callback::succeeded, failure -> {
            upstreamSide.getEndPoint().close(failure);
            callback.failed(failure);
        }));
    }

    private void copyEndToEndHeaders() {
        Set<String> named = connectionTokens();
        HttpFields.Mutable clientHeaders = proxyToClientResponse.getHeaders();
        for (HttpField field : serverToProxyHeaders) {
            String name = field.getLowerCaseName();
            if (HOP_BY_HOP.contains(name) || named.contains(name)) {
                continue;
            }
            if (field.getHeader() == HttpHeader.SERVER) {
                continue;  // as with any proxied response (RoutingProxy.copyServerHeaders)
            }
            field = tunnel.answerField(clientToProxyRequest, field);
            if (field.getHeader() == HttpHeader.DATE) {
                // Jetty may have added its own; the upstream's wins, as with any proxied response
                clientHeaders.put(field);
            } else {
                clientHeaders.add(field);
            }
        }
    }

    private Set<String> connectionTokens() {
        String connection = serverToProxyHeaders.get(HttpHeader.CONNECTION);
        if (connection == null) {
            return Set.of();
        }
        Set<String> tokens = new HashSet<>();
        for (String token : connection.split(",")) {
            tokens.add(token.trim().toLowerCase(Locale.ROOT));
        }
        return tokens;
    }

    /**
     * Reads and parses the upstream's answer and, for an ordinary response, streams it to the client
     * one chunk at a time: the next read waits until the client has taken the previous chunk.
     */
    private final class Relay extends IteratingCallback {
        private boolean responseStarted;
        private boolean finished;

        @Override
        protected Action process() throws Exception {
            if (finished) {
                return Action.SUCCEEDED;
            }
            if (buffer == null) {
                buffer = bufferPool.acquire(tunnel.bufferSize(), false);
                BufferUtil.clear(buffer.getByteBuffer());
            }
            ByteBuffer bytes = buffer.getByteBuffer();
            while (true) {
                if (bytes.hasRemaining() || parser.isAtEOF()) {
                    parser.parseNext(bytes);
                    if (parseFailure != null) {
                        throw parseFailure instanceof IOException io ? io : new IOException(parseFailure);
                    }
                    if (upgraded) {
                        switchProtocols();
                        return Action.SUCCEEDED;
                    }
                    if (interimComplete) {
                        interimComplete = false;
                        parser.reset();
                        continue;
                    }
                    if (headComplete && !responseStarted) {
                        beginClientResponse();
                    }
                    ByteBuffer chunk = content;
                    if (chunk != null) {
                        content = null;
                        proxyToClientResponse.write(false, chunk, this);
                        return Action.SCHEDULED;
                    }
                    if (messageComplete) {
                        finished = true;
                        proxyToClientResponse.write(true, BufferUtil.EMPTY_BUFFER, this);
                        return Action.SCHEDULED;
                    }
                    if (parser.isAtEOF() && !bytes.hasRemaining()) {
                        throw new IOException("upstream " + endpoint.id() + " closed the connection early");
                    }
                    if (bytes.hasRemaining()) {
                        continue;
                    }
                }
                BufferUtil.clear(bytes);
                int filled = getEndPoint().fill(bytes);
                if (filled == 0) {
                    fillInterested(this);
                    return Action.SCHEDULED;
                }
                if (filled < 0) {
                    parser.atEOF();
                }
            }
        }

        private void beginClientResponse() {
            responseStarted = true;
            end(true);
            proxyToClientResponse.setStatus(status);
            copyEndToEndHeaders();
        }

        @Override
        protected void onCompleteSuccess() {
            releaseBuffer();
            if (finished) {
                // the upstream connection is not pooled: it was opened for this upgrade only
                getEndPoint().close();
                callback.succeeded();
            }
        }

        @Override
        protected void onCompleteFailure(Throwable failure) {
            releaseBuffer();
            if (!responseStarted) {
                failBeforeResponse(failure);
            } else {
                end(false);
                getEndPoint().close(failure);
                callback.failed(failure);
            }
        }

        private void releaseBuffer() {
            RetainableByteBuffer held = buffer;
            buffer = null;
            if (held != null) {
                held.release();
            }
        }

        @Override
        public InvocationType getInvocationType() {
            return InvocationType.NON_BLOCKING;
        }
    }
}
