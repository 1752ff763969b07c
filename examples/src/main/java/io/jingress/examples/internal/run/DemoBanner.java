package io.jingress.examples.internal.run;

import io.jingress.examples.internal.demo.KubiaManifest;
import io.jingress.examples.internal.demo.KubiaPod;
import io.jingress.examples.internal.demo.KubiaPods;
import java.nio.file.Path;

/** What the demo prints once it serves: what it started, and what to try. */
final class DemoBanner {

    private DemoBanner() {
    }

    /**
     * @param manifest the file holding the walkthrough's objects, served in file mode
     * @param adminHost where the admin port answers, or {@code null} when it is off
     */
    static String text(KubiaPods pods, Path manifest, int httpPort, String adminHost, int adminPort) {
        StringBuilder out = new StringBuilder();
        out.append("\nJingress demo: the kubia walkthrough on this machine\n");
        String label = "  pods     ";
        for (KubiaPod pod : pods.pods()) {
            out.append(label).append(pod.name()).append("  ").append(pod.address()).append(':').append(pod.port())
                    .append('\n');
            label = "           ";
        }
        out.append("  service  ").append(KubiaManifest.NAMESPACE).append('/').append(KubiaManifest.SERVICE).append("  ")
                .append(KubiaManifest.SERVICE_PORT).append(" -> ").append(KubiaPods.POD_PORT).append('\n');
        out.append("  ingress  ").append(KubiaManifest.NAMESPACE).append('/').append(KubiaManifest.INGRESS).append("  ")
                .append(KubiaManifest.HOST).append(" / (Prefix) -> ").append(KubiaManifest.SERVICE).append(':')
                .append(KubiaManifest.SERVICE_PORT).append('\n');
        out.append("  objects  ").append(manifest).append("  (edit it: the routes follow)\n");
        out.append("  listens  http :").append(httpPort);
        if (httpPort == 30880) {
            out.append(" (the walkthrough's NodePort)");
        }
        if (adminHost != null) {
            out.append(", admin ").append(adminHost).append(':').append(adminPort);
        }
        out.append("\n\nTry:\n");
        String curl = "curl -H 'Host: " + KubiaManifest.HOST + "' localhost:" + httpPort;
        out.append(String.format("  %-50s %s%n", curl, "three times: each pod answers in turn"));
        out.append(String.format("  %-50s %s%n", "curl -i localhost:" + httpPort, "no rule for host localhost: 404"));
        if (adminHost != null) {
            String host = adminHost.equals("127.0.0.1") || adminHost.equals("0.0.0.0") || adminHost.equals("::")
                    ? "localhost" : adminHost.contains(":") ? "[" + adminHost + "]" : adminHost;
            out.append(String.format("  %-50s %s%n", "curl " + host + ":" + adminPort + "/healthz", "ok"));
            out.append(String.format("  %-50s %s%n", "curl " + host + ":" + adminPort + "/metrics", "Prometheus text"));
            out.append(String.format("  %-50s %s%n", "curl " + host + ":" + adminPort + "/routes",
                    "the routing table as JSON"));
        }
        out.append("Ctrl-C stops it.\n");
        return out.toString();
    }
}
