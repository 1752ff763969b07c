package io.jingress.examples.internal.demo;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The walkthrough's three kubia pods, each on its own loopback address and port 8080 as Pods have
 * their own IPs. Linux routes all of 127.0.0.0/8 to the loopback interface; where that is not so
 * (macOS) or port 8080 is taken, all pods fall back to 127.0.0.1 on free ports, and say so.
 */
public final class KubiaPods implements AutoCloseable {

    /** The pods' port, the {@code targetPort} of the Service {@code kubia}. */
    public static final int POD_PORT = 8080;

    /** Where the pods listen when they can: one loopback address each, as Pods have one IP each. */
    public static final List<String> POD_ADDRESSES = List.of("127.0.0.2", "127.0.0.3", "127.0.0.4");

    // The alphabet of Kubernetes' generated name suffixes: no vowels, no look-alike characters.
    private static final String SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

    private static final Logger log = LoggerFactory.getLogger(KubiaPods.class);

    private final List<KubiaPod> pods;
    private final boolean fellBack;

    private KubiaPods(List<KubiaPod> pods, boolean fellBack) {
        this.pods = List.copyOf(pods);
        this.fellBack = fellBack;
    }

    /** Starts three pods on {@link #POD_ADDRESSES} port {@link #POD_PORT}, or on 127.0.0.1 if that fails. */
    public static KubiaPods start() throws IOException {
        return start(POD_ADDRESSES, POD_PORT, new SecureRandom());
    }

    /**
     * Starts one pod per address on {@code port} (0: a free port of the first address, then the
     * same port on the others); when any cannot bind, every pod listens on 127.0.0.1 on a free
     * port instead.
     */
    public static KubiaPods start(List<String> addresses, int port, Random random) throws IOException {
        Objects.requireNonNull(addresses, "addresses");
        Objects.requireNonNull(random, "random");
        List<String> names = new ArrayList<>();
        while (names.size() < addresses.size()) {
            String name = "kubia-" + suffix(random);
            if (!names.contains(name)) {
                names.add(name);
            }
        }
        List<KubiaPod> pods = new ArrayList<>();
        try {
            int samePort = port;
            for (int i = 0; i < addresses.size(); i++) {
                pods.add(KubiaPod.start(names.get(i), addresses.get(i), samePort));
                samePort = pods.get(0).port();
            }
            return new KubiaPods(pods, false);
        } catch (IOException e) {
            String failed = addresses.get(pods.size()) + ":" + (pods.isEmpty() ? port : pods.get(0).port());
            pods.forEach(KubiaPod::close);
            pods.clear();
            try {
                for (String name : names) {
                    pods.add(KubiaPod.start(name, "127.0.0.1", 0));
                }
            } catch (IOException again) {
                pods.forEach(KubiaPod::close);
                throw again;
            }
            log.warn("could not listen on {} ({}); the kubia pods listen on 127.0.0.1 on free ports instead",
                    failed, e.getMessage());
            return new KubiaPods(pods, true);
        }
    }

    private static String suffix(Random random) {
        StringBuilder suffix = new StringBuilder(5);
        for (int i = 0; i < 5; i++) {
            suffix.append(SUFFIX_ALPHABET.charAt(random.nextInt(SUFFIX_ALPHABET.length())));
        }
        return suffix.toString();
    }

    public List<KubiaPod> pods() {
        return pods;
    }

    /** Whether the pods share 127.0.0.1 on free ports because their own addresses could not be bound. */
    public boolean fellBack() {
        return fellBack;
    }

    @Override
    public void close() {
        pods.forEach(KubiaPod::close);
    }
}
