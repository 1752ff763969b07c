package io.jingress.examples;

import io.jingress.core.route.Router;
import io.jingress.examples.internal.run.Running;
import java.util.Objects;

/**
 * A running {@code jingress.jar}, as {@link Main#start(String...)} returns it: the ports it
 * listens on, the router it serves, and {@link #close()}, which drains requests in flight and
 * stops everything it started.
 *
 * <pre>{@code
 * try (Jingress jingress = Main.start("--http-port", "0", "--admin-port", "0")) {
 *     URI demo = URI.create("http://localhost:" + jingress.httpPort() + "/");
 *     ...
 * }
 * }</pre>
 */
public final class Jingress implements AutoCloseable {

    private final Running running;

    Jingress(Running running) {
        this.running = Objects.requireNonNull(running, "running");
    }

    /** The plain-HTTP port (the actual one when asked for 0). */
    public int httpPort() {
        return running.server().httpPort();
    }

    /** The HTTPS port, or -1 when HTTPS is off. */
    public int httpsPort() {
        return running.server().httpsPort();
    }

    /** The admin port ({@code /healthz}, {@code /metrics}, {@code /status}, {@code /routes}), or -1 when off. */
    public int adminPort() {
        return running.server().adminPort();
    }

    /** The router whose table is served; {@link Router#hasTable()} once the first configuration is in. */
    public Router router() {
        return running.router();
    }

    /** Stops: no new connections, requests in flight finish, then the sources and demo pods stop. Idempotent. */
    @Override
    public void close() {
        running.close();
    }

    /** Blocks until {@link #close()} has finished (from another thread, or a shutdown hook). */
    public void awaitClosed() throws InterruptedException {
        running.awaitClosed();
    }
}
