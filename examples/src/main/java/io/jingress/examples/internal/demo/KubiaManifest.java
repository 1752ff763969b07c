package io.jingress.examples.internal.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The walkthrough's objects for running {@link KubiaPods}, as a manifest file the demo serves in
 * file mode: the Service {@code kubia} (port 80 to targetPort 8080), the EndpointSlices naming the
 * pods, and the Ingress {@code ingress-myapp} sending {@code myapp.kubia.com} to {@code kubia:80}.
 * The text is the resource {@code kubia.yaml} next to this class, with the pods filled in.
 */
public final class KubiaManifest {

    public static final String NAMESPACE = "default";
    public static final String HOST = "myapp.kubia.com";
    public static final String SERVICE = "kubia";
    public static final int SERVICE_PORT = 80;
    public static final String INGRESS = "ingress-myapp";
    /** The file name the demo writes. */
    public static final String FILE_NAME = "kubia.yaml";

    private KubiaManifest() {
    }

    /** The manifest for these three pods. */
    public static String render(KubiaPods pods) {
        Objects.requireNonNull(pods, "pods");
        List<KubiaPod> list = pods.pods();
        if (list.size() != 3) {
            throw new IllegalArgumentException("the walkthrough has three kubia pods, got " + list.size());
        }
        String text = template();
        for (int i = 0; i < 3; i++) {
            KubiaPod pod = list.get(i);
            String n = Integer.toString(i + 1);
            text = text.replace("${POD_" + n + "_NAME}", pod.name())
                    .replace("${POD_" + n + "_ADDRESS}", pod.address())
                    .replace("${POD_" + n + "_PORT}", Integer.toString(pod.port()));
        }
        return text;
    }

    /** Writes the manifest for these pods into {@code dir} and returns the file. */
    public static Path write(KubiaPods pods, Path dir) throws IOException {
        return Files.writeString(dir.resolve(FILE_NAME), render(pods));
    }

    private static String template() {
        try (InputStream in = KubiaManifest.class.getResourceAsStream(FILE_NAME)) {
            if (in == null) {
                throw new IllegalStateException(FILE_NAME + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
