package io.jingress.jetty.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback port whose connects neither succeed nor are refused: a listener that never accepts,
 * with its accept queue full, so the kernel drops further SYNs until the connector's timeout, as
 * with a Pod that stopped answering or a firewall that drops. Close it after the test.
 */
public final class SilentPort implements AutoCloseable {
    private final List<AutoCloseable> held = new ArrayList<>();
    private final int port;

    public SilentPort() throws IOException {
        this.port = fill();
    }

    private int fill() throws IOException {
        ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());  // never accepts
        held.add(listener);
        for (int i = 0; i < 16; i++) {
            Socket filler = new Socket();
            held.add(filler);
            try {
                filler.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()), 300);
            } catch (SocketTimeoutException full) {
                return listener.getLocalPort();
            }
        }
        close();
        throw new IllegalStateException("the accept queue of port " + listener.getLocalPort() + " never filled");
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        for (AutoCloseable closeable : held) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // closing what the test held; nothing else to do
            }
        }
        held.clear();
    }
}
