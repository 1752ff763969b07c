package io.jingress.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.core.route.NoMatch;
import io.jingress.core.route.Router;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --watch-namespace} in file mode: said where a user looks, the load line and an explanation. */
class WatchNamespaceManifestTest {

    @TempDir
    Path dir;

    private void writeKubia() throws IOException {
        for (String name : List.of("service.yaml", "ingress.yaml", "endpointslice.yaml")) {
            Files.writeString(dir.resolve(name), ManifestSourceTest.resource("kubia/" + name));
        }
    }

    @Test
    void loadLineNamesTheWatchedNamespacesAndCountsTheIngressesLeftOut() throws IOException {
        writeKubia();
        Router router = Router.create();
        AdapterOptions options = AdapterOptions.builder().watchNamespaces(Set.of("web", "shop")).build();

        try (CapturedLog log = CapturedLog.start();
                ManifestSource source = ManifestSource.builder().path(dir).options(options).router(router).build().start()) {
            assertEquals(NoMatch.NO_HOST, router.current().match("myapp.kubia.com", "/"));
            assertTrue(log.text().contains("manifests " + dir + " (namespaces shop, web): serving 0 Ingresses"
                    + " (0 rejected, 1 in namespaces not watched), 0 problems"), log.text());
        }
    }

    @Test
    void loadLineSaysNothingOfNamespacesWhenAllAreWatched() throws IOException {
        writeKubia();

        try (CapturedLog log = CapturedLog.start();
                ManifestSource source = ManifestSource.builder().path(dir).router(Router.create()).build().start()) {
            assertTrue(log.text().contains("manifests " + dir + ": serving 1 Ingress (0 rejected), 0 problems"), log.text());
        }
    }

    @Test
    void explanationOfA404NamesTheIngressInANamespaceNotWatched() throws IOException {
        writeKubia();

        RouteExplanation explanation = RouteExplainer.fromManifests(dir,
                AdapterOptions.builder().watchNamespaces(Set.of("shop")).build()).explain("http://myapp.kubia.com/");

        assertEquals(404, explanation.status(), explanation.toString());
        assertTrue(explanation.toString().contains("Ingress default/ingress-myapp has a rule for this host but is not"
                + " served: its namespace default is not watched (watched: shop)"), explanation.toString());
    }
}
