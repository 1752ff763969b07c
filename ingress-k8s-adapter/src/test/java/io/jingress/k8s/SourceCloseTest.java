package io.jingress.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.jingress.core.route.Router;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link KubernetesSource#close()} returns promptly whatever the API server does, and a leader releases its Lease. */
class SourceCloseTest {

    /** Behaviour, not performance: far above the wait for a release, far below fabric8's 16 s of retries. */
    private static final Duration PROMPTLY = Duration.ofSeconds(5);

    @RegisterExtension
    final FreshApiServer cluster = new FreshApiServer();

    private static int portWhereNothingListens() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static Duration timeToClose(AutoCloseable closeable) throws Exception {
        long start = System.nanoTime();
        closeable.close();
        return Duration.ofNanos(System.nanoTime() - start);
    }

    @Test
    void closeReturnsPromptlyWhenTheApiServerIsUnreachableAndLeaderElectionIsOn() throws Exception {
        // the client's default retries, as a real deployment has them
        Config unreachable = new ConfigBuilder(Config.empty())
                .withMasterUrl("http://127.0.0.1:" + portWhereNothingListens())
                .withNamespace("default")
                .build();
        KubernetesSource source = KubernetesSource.builder(RouteUpdater.create(Router.create()))
                .config(unreachable)
                .build()
                .start();
        // give the elector time to be retrying its first Lease request
        assertFalse(source.awaitServing(Duration.ofSeconds(1)), "nothing can be served without an API server");

        Duration took = timeToClose(source);

        assertFalse(source.isLeader());
        assertTrue(took.compareTo(PROMPTLY) < 0, "close() took " + took);
    }

    @Test
    void aLeaderReleasesItsLeaseOnCloseAndCloseReturnsPromptly() throws Exception {
        RoutedSource replica = new RoutedSource(cluster.api(), AdapterOptions.builder().build(),
                b -> b.identity("replica-a").leaseTimings(Duration.ofSeconds(15), Duration.ofSeconds(10),
                        Duration.ofMillis(100)));
        replica.awaitServing();
        Await.until("replica-a leads", replica.source::isLeader);

        Duration took = timeToClose(replica);

        assertTrue(took.compareTo(PROMPTLY) < 0, "close() took " + took);
        Lease lease = cluster.kube().leases().inNamespace("default").withName(AdapterOptions.DEFAULT_ELECTION_ID).get();
        // fabric8 releases by writing a lease of 1 s from now, for another replica to take at once
        // (it also clears holderIdentity, which the mock server's merge patch keeps)
        assertEquals(1, lease.getSpec().getLeaseDurationSeconds(), "the Lease is released: " + lease.getSpec());
    }
}
