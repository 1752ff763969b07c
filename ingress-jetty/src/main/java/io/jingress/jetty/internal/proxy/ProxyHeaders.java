package io.jingress.jetty.internal.proxy;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

import io.jingress.core.route.RoutePolicy;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

/**
 * The headers the proxy sends either way.
 *
 * <p>Upstream, the backend receives the client's headers without the hop-by-hop ones (RFC 9110
 * section 7.6.1: {@code Connection}, {@code Keep-Alive}, {@code Proxy-Connection}, {@code TE},
 * {@code Trailer}, {@code Transfer-Encoding}, {@code Upgrade}, {@code Proxy-Authorization},
 * {@code Proxy-Authenticate}, and every header named in {@code Connection}) and
 * {@code Proxy}, which no HTTP client needs to send and CGI-style backends take for their proxy
 * setting ("httpoxy"; ingress-nginx clears it too), plus {@code X-Forwarded-For} (the client's
 * value, if any, with the client's address appended: its last entry is the one this proxy vouches
 * for, the ones before it are what the client claims; ingress-nginx by default sends the address
 * alone), {@code X-Real-IP}, {@code X-Forwarded-Proto}, {@code X-Forwarded-Host},
 * {@code X-Forwarded-Port} (these four replace whatever the client sent, which nobody vouched
 * for, as ingress-nginx does; when the connection's peer is a trusted proxy, what it says is
 * believed instead: see {@link TrustedForwarding}; a client's {@code X-Forwarded-Prefix} is dropped too, and the
 * route's own sent instead when its Ingress asks for one: {@link PolicyHeaders}) and
 * {@code X-Request-ID} (kept when the client sent one, else 32 random hex digits). A client's
 * {@code ssl-client-*} headers are dropped on every route, where ingress-nginx passes them on to
 * hosts without {@code auth-tls-*}: they are the names an endpoint reads the proxy's client
 * certificate verdict from ({@link ClientCertificateHeaders}).
 * We do not add {@code Via} or {@code Forwarded}: ingress-nginx does not, backends behind an
 * Ingress read {@code X-Forwarded-*}, and a second, differently formatted copy of the same facts
 * invites disagreement. A client's {@code Forwarded} is dropped, where ingress-nginx passes it on:
 * its {@code host=} and {@code proto=} are what {@code X-Forwarded-Host} and {@code -Proto} replace,
 * and the frameworks that read it (Spring's {@code ForwardedHeaderFilter}, Jetty's
 * {@code ForwardedRequestCustomizer}) prefer it to {@code X-Forwarded-*}, so an application would
 * build its links from what the client claims. A client's {@code Via} passes on untouched.
 *
 * <p>Downstream, the client receives the backend's headers without the same hop-by-hop ones, nor
 * {@code Server} ({@code RoutingProxy.copyServerHeaders}).
 */
final class ProxyHeaders {
    static final String X_REAL_IP = "X-Real-IP";
    static final String X_REQUEST_ID = "X-Request-ID";
    // no header of HTTP, but CGI-style backends read it as their HTTP_PROXY setting ("httpoxy")
    private static final String PROXY = "Proxy";

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private ProxyHeaders() {
    }

    /** Whether a header is hop-by-hop by definition (regardless of {@code Connection}). */
    static boolean isHopByHop(HttpField field) {
        HttpHeader header = field.getHeader();
        if (header == null) {
            return false;
        }
        switch (header) {
            case CONNECTION, KEEP_ALIVE, PROXY_CONNECTION, TE, TRAILER, TRANSFER_ENCODING, UPGRADE,
                    PROXY_AUTHORIZATION, PROXY_AUTHENTICATE:
                return true;
            default:
                return false;
        }
    }

    /**
     * The header names listed in {@code Connection} (lower case), or {@code null} when it lists
     * none beyond {@code close}, {@code keep-alive} and {@code upgrade}, which is nearly always: so
     * the common case allocates nothing.
     */
    static String[] connectionNamed(HttpFields fields) {
        String[] named = null;
        int count = 0;
        for (HttpField field : fields) {
            if (field.getHeader() != HttpHeader.CONNECTION) {
                continue;
            }
            String value = field.getValue();
            int n = value.length();
            int start = 0;
            while (start < n) {
                int comma = value.indexOf(',', start);
                int end = comma < 0 ? n : comma;
                String token = value.substring(start, end).trim();
                if (!token.isEmpty() && !token.equalsIgnoreCase("close") && !token.equalsIgnoreCase("keep-alive")
                        && !token.equalsIgnoreCase("upgrade")) {
                    if (named == null) {
                        named = new String[4];
                    } else if (count == named.length) {
                        named = Arrays.copyOf(named, count * 2);
                    }
                    named[count++] = token;
                }
                start = end + 1;
            }
        }
        return named == null ? null : Arrays.copyOf(named, count);
    }

    static boolean isNamedIn(String[] connectionNamed, HttpField field) {
        if (connectionNamed == null) {
            return false;
        }
        String name = field.getName();
        for (String named : connectionNamed) {
            if (named.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Copies the client's headers to the upstream request, leaving out hop-by-hop headers, the
     * ones this proxy sets itself and those whose names the table's {@code HeaderNameRules} drop,
     * and appends the client's address to {@code X-Forwarded-For}.
     */
    static void copyClientHeaders(Exchange exchange, HttpFields clientToProxyHeaders, HttpFields.Mutable proxyToServerHeaders) {
        String[] named = connectionNamed(clientToProxyHeaders);
        String forwardedFor = null;
        String cookies = null;  // the values of the Cookie fields so far, joined
        int cookieFields = 0;
        boolean hasHost = false;
        for (HttpField field : clientToProxyHeaders) {
            if (isHopByHop(field) || isNamedIn(named, field)) {
                continue;
            }
            HttpHeader header = field.getHeader();
            if (header != null) {
                switch (header) {
                    case HOST:
                        hasHost = true;
                        proxyToServerHeaders.add(hostFor(exchange, field));
                        continue;
                    case X_FORWARDED_FOR:
                        forwardedFor = forwardedFor == null ? field.getValue() : forwardedFor + ", " + field.getValue();
                        continue;
                    case X_FORWARDED_PROTO, X_FORWARDED_HOST, X_FORWARDED_PORT, X_FORWARDED_SERVER, FORWARDED:
                        continue;
                    case AUTHORIZATION:
                        if (exchange.route != null && exchange.route.policy().basicAuth() != null) {
                            continue;  // the proxy's to check, not the endpoint's: ingress-nginx sends it empty
                        }
                        break;
                    case COOKIE:
                        cookieFields++;
                        cookies = cookies == null ? field.getValue() : cookies + "; " + field.getValue();
                        break;
                    default:
                        break;
                }
            } else if (field.is(X_REAL_IP) || field.is(PROXY) || field.is(PolicyHeaders.X_FORWARDED_PREFIX)
                    || ClientCertificateHeaders.isOurs(field.getName()) || !exchange.serverSettings.headerNameRules().passes(field.getName())) {
                // a name with an underscore (or another char but letters, digits and hyphens) is dropped, as
                // nginx's ignore_invalid_headers does: X_Real_IP is X-Real-IP to a CGI-style application
                continue;
            } else if (field.is(X_REQUEST_ID)) {
                String id = field.getValue();
                if (id == null || id.isBlank()) {
                    continue;
                }
                exchange.requestId = id;
            }
            proxyToServerHeaders.add(field);
        }
        if (cookieFields > 1 && exchange.getConnectionMetaData().getHttpVersion().getVersion() >= 20) {
            // HTTP/2 lets a client split its cookies into fields of their own, which go to an
            // HTTP/1.1 endpoint as one (RFC 9113, section 8.2.3), in the place of the first
            proxyToServerHeaders.put(HttpHeader.COOKIE, cookies);
        }
        if (!hasHost) {
            // HTTP/2 carries the host in :authority, which Jetty exposes through the URI only.
            String authority = exchange.getHttpURI().getAuthority();
            if (authority != null) {
                proxyToServerHeaders.put(HttpHeader.HOST, authority);
            }
        }
        String clientAddress = exchange.clientAddress();
        String trusted = exchange.trustedForwardedFor;
        proxyToServerHeaders.put(HttpHeader.X_FORWARDED_FOR, trusted != null ? trusted
                : forwardedFor == null ? clientAddress : forwardedFor + ", " + clientAddress);
    }

    /**
     * The Host the backend sees: the client's, unless an absolute-form target named another
     * authority, which is what the request was routed by (RFC 9112 section 3.2.2).
     */
    private static HttpField hostFor(Exchange exchange, HttpField clientHost) {
        String routedHost = exchange.getHttpURI().getHost();
        String value = clientHost.getValue();
        if (routedHost == null || value == null) {
            return clientHost;
        }
        if (value.regionMatches(true, 0, routedHost, 0, routedHost.length())
                && (value.length() == routedHost.length() || value.charAt(routedHost.length()) == ':')) {
            return clientHost;
        }
        return new HttpField(HttpHeader.HOST, exchange.getHttpURI().getAuthority());
    }

    /** Where {@link #forwardedHeaders} puts the headers: the upstream request's fields, or a head being encoded. */
    interface HeaderSink {
        void header(String name, String value);
    }

    /**
     * The headers this proxy vouches for about the client's connection, in the order they are
     * sent (the client's own were left out by {@link #copyClientHeaders}); {@code host} is the
     * Host sent upstream, or null. {@code X-Request-ID} goes with them: see its callers.
     */
    static void forwardedHeaders(Exchange exchange, String host, String localPort, HeaderSink sink) {
        sink.header(X_REAL_IP, exchange.clientAddress());
        // the connection's (or a trusted proxy's), not Request.isSecure(), which believes an absolute-form "https://" target
        sink.header(HttpHeader.X_FORWARDED_PROTO.asString(), exchange.secure() ? "https" : "http");
        if (exchange.trustedForwardedFor != null) {
            // the peer is a trusted proxy: its X-Forwarded-Host and -Port, when it sent them
            host = TrustedForwarding.host(exchange, host);
            localPort = TrustedForwarding.port(exchange, localPort);
        }
        if (host != null) {
            sink.header(HttpHeader.X_FORWARDED_HOST.asString(), host);
        }
        sink.header(HttpHeader.X_FORWARDED_PORT.asString(), localPort);
        if (exchange.clientCertificate != null) {
            exchange.clientCertificate.addTo(sink);  // auth-tls: the proxy's verdict on the client's certificate
        }
    }

    /** Adds the {@link #forwardedHeaders} and the request id to the upstream request's fields. */
    static void addForwardedHeaders(Exchange exchange, HttpFields.Mutable proxyToServerHeaders, String localPort) {
        forwardedHeaders(exchange, proxyToServerHeaders.get(HttpHeader.HOST), localPort, proxyToServerHeaders::put);
        if (exchange.requestId == null) {
            exchange.requestId = newRequestId();
        }
        // Also on a retry, where the id generated for the first try must be sent again.
        proxyToServerHeaders.put(X_REQUEST_ID, exchange.requestId);
        RoutePolicy policy = exchange.route.policy();
        if (!policy.isNone()) {
            PolicyHeaders.addTo(exchange, policy, proxyToServerHeaders);
        }
    }

    /** 128 random bits as 32 hex digits, like ingress-nginx's {@code $req_id}. */
    static String newRequestId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        byte[] id = new byte[32];
        long high = random.nextLong();
        long low = random.nextLong();
        LONGS.set(id, 0, hexDigits(high >>> 32));
        LONGS.set(id, 8, hexDigits(high));
        LONGS.set(id, 16, hexDigits(low >>> 32));
        LONGS.set(id, 24, hexDigits(low));
        return new String(id, StandardCharsets.ISO_8859_1);
    }

    /** The low 32 bits of {@code bits} as 8 lower-case hex digits, a byte each, the first in the high byte. */
    static long hexDigits(long bits) {
        // spread the 8 nibbles over the 8 bytes, the most significant into the high byte
        long x = bits & 0xFFFFFFFFL;
        x = (x | x << 16) & 0x0000FFFF0000FFFFL;
        x = (x | x << 8) & 0x00FF00FF00FF00FFL;
        x = (x | x << 4) & 0x0F0F0F0F0F0F0F0FL;
        // a byte of 10 or more carries into its high nibble when 6 is added: those get 'a' - '0' - 10 more
        long letters = ((x + 0x0606060606060606L) >>> 4) & 0x0101010101010101L;
        return x + 0x3030303030303030L + letters * ('a' - '0' - 10);
    }

    /** The port the client connected to, as text, without allocating for the usual ports. */
    static String localPort(Request request) {
        int port = Request.getLocalPort(request);
        return PortText.of(port);
    }

    /** Caches the text of the few ports a proxy listens on. */
    private static final class PortText {
        private static volatile Entry last = new Entry(-1, "");

        private record Entry(int port, String text) {
        }

        static String of(int port) {
            Entry entry = last;
            if (entry.port == port) {
                return entry.text;
            }
            entry = new Entry(port, Integer.toString(port));
            last = entry;
            return entry.text;
        }
    }
}
