package io.jingress.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code service-upstream} read from manifest files: the Service's {@code spec.clusterIP} is the one endpoint. */
class ServiceUpstreamExplainTest {
    @TempDir
    Path dir;

    private RouteExplainer explainer(String clusterIp, String annotations) throws IOException {
        String manifest = ManifestSourceTest.resource("kubia-all.yaml")
                .replace("spec:\n  selector:\n    app: kubia\n", "spec:\n  clusterIP: " + clusterIp + "\n  selector:\n    app: kubia\n")
                .replace("  name: ingress-myapp\n", "  name: ingress-myapp\n  annotations:\n" + annotations);
        Files.writeString(dir.resolve("kubia.yaml"), manifest);
        return RouteExplainer.fromManifests(dir);
    }

    @Test
    void theServicesClusterIpAndPortAreTheOneEndpoint() throws IOException {
        RouteExplainer explainer = explainer("10.96.12.34",
                "    nginx.ingress.kubernetes.io/service-upstream: \"true\"\n"
                + "    nginx.ingress.kubernetes.io/proxy-next-upstream: \"error timeout http_503\"\n"
                + "    nginx.ingress.kubernetes.io/proxy-next-upstream-tries: \"2\"\n");

        RouteExplanation e = explainer.explain("http://myapp.kubia.com/");

        assertEquals(200, e.status(), e.toString());
        assertEquals(List.of("10.96.12.34:80"), e.endpoints());
        assertEquals(List.of("next endpoint on error timeout http_503, 2 tries (proxy-next-upstream)",
                "to the Service's ClusterIP (service-upstream)"), e.policy());
        assertTrue(explainer.problems().isEmpty(), explainer.problems().toString());
    }

    @Test
    void aHeadlessServiceIsExplainedWithItsEndpointsAndAWarning() throws IOException {
        RouteExplainer explainer = explainer("None", "    nginx.ingress.kubernetes.io/service-upstream: \"true\"\n");

        RouteExplanation e = explainer.explain("http://myapp.kubia.com/");

        assertEquals(List.of("10.244.1.5:8080", "10.244.2.7:8080", "10.244.3.9:8080"), e.endpoints());
        assertTrue(explainer.problems().stream().anyMatch(p -> p.object().equals("default/ingress-myapp")
                && p.message().equals("service-upstream: service default/kubia is headless (clusterIP: None): its endpoints are used")),
                explainer.problems().toString());
    }
}
