package io.jingress.examples.internal.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KubiaPodsTest {

    private final HttpClient client = HttpClient.newHttpClient();

    private String get(KubiaPod pod) throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(
                HttpRequest.newBuilder(URI.create("http://" + pod.address() + ":" + pod.port() + "/any/path")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        return response.body();
    }

    @Test
    void eachPodAnswersWithItsOwnNameOnItsOwnAddress() throws Exception {
        try (KubiaPods pods = KubiaPods.start(KubiaPods.POD_ADDRESSES, 0, new Random(1))) {
            assertFalse(pods.fellBack());
            assertEquals(3, pods.pods().size());
            Set<String> names = new HashSet<>();
            for (int i = 0; i < 3; i++) {
                KubiaPod pod = pods.pods().get(i);
                assertEquals(KubiaPods.POD_ADDRESSES.get(i), pod.address());
                assertEquals(pods.pods().get(0).port(), pod.port());
                assertTrue(pod.name().matches("kubia-[a-z0-9]{5}"), pod.name());
                assertEquals("You've hit " + pod.name() + "\n", get(pod));
                names.add(pod.name());
            }
            assertEquals(3, names.size());
        }
    }

    @Test
    void podsFallBackToLoopbackOnFreePortsWhenTheirAddressIsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.3"));
                KubiaPods pods = KubiaPods.start(List.of("127.0.0.2", "127.0.0.3"), taken.getLocalPort(),
                        new Random(2))) {
            assertTrue(pods.fellBack());
            for (KubiaPod pod : pods.pods()) {
                assertEquals("127.0.0.1", pod.address());
                assertEquals("You've hit " + pod.name() + "\n", get(pod));
            }
            assertNotEquals(pods.pods().get(0).port(), pods.pods().get(1).port());
        }
    }
}
