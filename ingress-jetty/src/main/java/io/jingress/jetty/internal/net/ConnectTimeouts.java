package io.jingress.jetty.internal.net;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.Map;

import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.SelectorManager;

/**
 * A connect timeout per connect, where Jetty has one per connector. A non-blocking connect takes
 * its {@link SelectorManager}'s {@code getConnectTimeout()} when it starts (Jetty's
 * {@code ManagedSelector.Connect} schedules its timeout then, in {@code SelectorManager.connect},
 * on the calling thread), and a blocking one its {@link ClientConnector}'s: a value put in force on
 * the thread around that call ({@link #enter}, {@link #exit}) is the one that connect gets, and
 * connects on other threads, or before and after, keep the connector's own. Checked by the
 * connect timeout tests of both request paths and of the WebSocket tunnel.
 */
public final class ConnectTimeouts {
    /** The key of a connect's own timeout in a {@link Connector}'s connect context: a {@code Long} of milliseconds. */
    public static final String CONTEXT_KEY = ConnectTimeouts.class.getName() + ".millis";

    // one array per thread that connects (a selector or a pool thread), allocated once
    private static final ThreadLocal<long[]> IN_FORCE = ThreadLocal.withInitial(() -> new long[1]);

    private ConnectTimeouts() {
    }

    /** Puts {@code millis} in force on this thread; returns the value to give {@link #exit}. */
    public static long enter(long millis) {
        long[] slot = IN_FORCE.get();
        long previous = slot[0];
        slot[0] = millis;
        return previous;
    }

    /** Ends what {@link #enter} began. */
    public static void exit(long previous) {
        IN_FORCE.get()[0] = previous;
    }

    /** The timeout in force on this thread, or {@code fallback} when none is. */
    public static long inForce(long fallback) {
        long millis = IN_FORCE.get()[0];
        return millis > 0 ? millis : fallback;
    }

    /**
     * A {@link ClientConnector} whose connects each take the timeout their context names
     * ({@link #timeoutOf}); one that names none takes the connector's {@code connectTimeout}.
     */
    public static class Connector extends ClientConnector {
        @Override
        public void connect(SocketAddress address, Map<String, Object> context) {
            long millis = timeoutOf(context);
            if (millis <= 0) {
                super.connect(address, context);
                return;
            }
            long previous = enter(millis);
            try {
                super.connect(address, context);
            } finally {
                exit(previous);
            }
        }

        /** The connect's own timeout in milliseconds, 0 for none: by default {@link #CONTEXT_KEY}'s value. */
        protected long timeoutOf(Map<String, Object> context) {
            return context.get(CONTEXT_KEY) instanceof Long millis ? millis : 0;
        }

        /** For a blocking connect, which takes this as an {@code int} of milliseconds. */
        @Override
        public Duration getConnectTimeout() {
            long millis = inForce(0);
            return millis > 0 ? Duration.ofMillis(Math.min(millis, Integer.MAX_VALUE)) : super.getConnectTimeout();
        }

        @Override
        protected SelectorManager newSelectorManager() {
            return new ClientSelectorManager(getExecutor(), getScheduler(), getSelectors()) {
                @Override
                public long getConnectTimeout() {
                    return inForce(super.getConnectTimeout());
                }
            };
        }
    }
}
