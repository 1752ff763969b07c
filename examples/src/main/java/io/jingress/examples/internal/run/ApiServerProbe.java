package io.jingress.examples.internal.run;

import io.fabric8.kubernetes.client.Config;
import io.jingress.examples.internal.cli.Options;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;

/**
 * Says, when cluster mode got no complete answer, where the API server is and whether it can be
 * reached at all: the first thing to know before reading the client's own warnings.
 */
final class ApiServerProbe {

    private static final int CONNECT_TIMEOUT_MILLIS = 3_000;

    private ApiServerProbe() {
    }

    /** The API server's URL for these options, or {@code null} when it cannot be told. */
    static String url(Options options) {
        if (options.inCluster()) {
            String host = System.getenv("KUBERNETES_SERVICE_HOST");
            String port = System.getenv("KUBERNETES_SERVICE_PORT");
            if (host == null) {
                return null;
            }
            return "https://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + (port == null ? "443" : port) + "/";
        }
        try {
            return Config.fromKubeconfig(options.context(), options.kubeconfig().toFile()).getMasterUrl();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** What a plain TCP connection to {@code url} says, in words. */
    static String reachability(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return "\"" + url + "\" is not a URL";
        }
        int port = uri.getPort() > 0 ? uri.getPort() : "http".equals(uri.getScheme()) ? 80 : 443;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(uri.getHost(), port), CONNECT_TIMEOUT_MILLIS);
            return "it accepts connections, so see the warnings above for what it answered (credentials, RBAC,"
                    + " a proxy in between)";
        } catch (UnknownHostException e) {
            return "its host name does not resolve";
        } catch (ConnectException e) {
            return "connection refused";
        } catch (SocketTimeoutException e) {
            return "no answer to a connection within " + CONNECT_TIMEOUT_MILLIS / 1000
                    + " s (a firewall; or only reachable through a proxy: --use-env-proxy)";
        } catch (IOException e) {
            return "cannot connect: " + e.getMessage();
        }
    }
}
