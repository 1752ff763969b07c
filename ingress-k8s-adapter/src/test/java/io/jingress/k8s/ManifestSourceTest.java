package io.jingress.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.core.model.Problem;
import io.jingress.core.route.MatchResult;
import io.jingress.core.route.NoMatch;
import io.jingress.core.route.Route;
import io.jingress.core.route.RouteTable;
import io.jingress.core.route.Router;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestSourceTest {

    @TempDir
    Path dir;

    private final Router router = Router.create();
    private ManifestSource source;

    @AfterEach
    void closeSource() {
        if (source != null) {
            source.close();
        }
    }

    static String resource(String name) throws IOException {
        try (InputStream in = ManifestSourceTest.class.getResourceAsStream("/manifests/" + name)) {
            if (in == null) {
                throw new IOException("no test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private void copyKubia() throws IOException {
        for (String name : List.of("service.yaml", "ingress.yaml", "endpointslice.yaml")) {
            Files.writeString(dir.resolve(name), resource("kubia/" + name));
        }
    }

    private ManifestSource start(Path path) {
        source = ManifestSource.builder().path(path).router(router).debounce(Duration.ofMillis(50)).build().start();
        return source;
    }

    private MatchResult match(String host, String path) {
        return router.current().match(host, path);
    }

    private List<String> endpointsOf(String host, String path) {
        Route route = assertInstanceOf(Route.class, match(host, path));
        return route.backend().endpoints().stream().map(e -> e.id()).toList();
    }

    private static String ingress(String name, String host, String path) {
        return ApiObjects.ingressYaml(name, "jingress", host, path, "kubia");
    }

    private void awaitSwap(long before, String what) {
        Await.until(what, () -> router.swapCount() > before, () -> "problems: " + source.problems());
        // The reload swaps the table first and then sets source.problems(): its end is awaited by
        // taking the source's lock, which reload() holds throughout.
        synchronized (source) {
            assertTrue(router.swapCount() > before);
        }
    }

    /** Writes {@code content} to the watched file {@code name} and returns the first problem its reload reports. */
    private String firstProblemAfterWriting(String name, String content) throws IOException {
        long reloads = source.reloadCount();
        Files.writeString(dir.resolve(name), content);
        Await.until("a reload", () -> source.reloadCount() > reloads);
        Await.until("a problem with " + name + " reported", () -> !source.problems().isEmpty());
        return source.problems().get(0);
    }

    @Test
    void kubiaWalkthroughDirectoryIsServedWhenStartReturns() throws IOException {
        copyKubia();

        start(dir);

        assertEquals(List.of("10.244.1.5:8080", "10.244.2.7:8080", "10.244.3.9:8080"),
                endpointsOf("myapp.kubia.com", "/path"));
        assertEquals(List.of(), source.problems());
        assertEquals(1, source.reloadCount());
    }

    @Test
    void singleMultiDocumentFileIsServed() throws IOException {
        Path file = dir.resolve("kubia-all.yaml");
        Files.writeString(file, resource("kubia-all.yaml"));

        start(file);

        assertEquals(3, endpointsOf("myapp.kubia.com", "/").size());
    }

    @Test
    void jsonListWithNamedPortAndLegacyEndpointsIsServed() throws IOException {
        Files.writeString(dir.resolve("kubia-list.json"), resource("kubia-list.json"));

        start(dir);

        assertEquals(List.of("10.244.1.5:8080", "10.244.2.7:8080"), endpointsOf("shop.kubia.com", "/"),
                "the not-ready address gets no traffic");
    }

    @Test
    void fileEditedInPlaceIsPickedUp() throws IOException {
        copyKubia();
        start(dir);
        long before = router.swapCount();

        Files.writeString(dir.resolve("ingress.yaml"), ingress("ingress-myapp", "other.kubia.com", "/"));
        awaitSwap(before, "the edited host served");

        assertInstanceOf(Route.class, match("other.kubia.com", "/"));
        assertEquals(NoMatch.NO_HOST, match("myapp.kubia.com", "/"));
    }

    @Test
    void fileReplacedByAtomicRenameIsPickedUp() throws IOException {
        copyKubia();
        start(dir);
        long before = router.swapCount();

        Path temp = dir.resolve(".ingress.yaml.tmp");
        Files.writeString(temp, ingress("ingress-myapp", "renamed.kubia.com", "/"));
        Files.move(temp, dir.resolve("ingress.yaml"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        awaitSwap(before, "the renamed-in file served");

        assertInstanceOf(Route.class, match("renamed.kubia.com", "/"));
    }

    @Test
    void singleFileReplacedByAtomicRenameIsPickedUp() throws IOException {
        Path file = dir.resolve("kubia-all.yaml");
        Files.writeString(file, resource("kubia-all.yaml"));
        start(file);
        long before = router.swapCount();

        Path temp = dir.resolve("kubia-all.yaml.new");
        Files.writeString(temp, resource("kubia-all.yaml").replace("myapp.kubia.com", "moved.kubia.com"));
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        awaitSwap(before, "the replaced file served");

        assertEquals(3, endpointsOf("moved.kubia.com", "/").size());
    }

    @Test
    void addedFileIsServedAndRemovedFileIsNot() throws IOException {
        copyKubia();
        start(dir);
        long before = router.swapCount();

        Files.writeString(dir.resolve("second.yaml"), ingress("second", "second.kubia.com", "/"));
        awaitSwap(before, "the added file served");
        assertEquals(3, endpointsOf("second.kubia.com", "/").size());

        long afterAdd = router.swapCount();
        Files.delete(dir.resolve("second.yaml"));
        awaitSwap(afterAdd, "the removed file's routes gone");
        assertEquals(NoMatch.NO_HOST, match("second.kubia.com", "/"));
        assertInstanceOf(Route.class, match("myapp.kubia.com", "/"));
    }

    @Test
    void burstOfFileWritesIsReadOnceAfterItSettles() throws IOException {
        copyKubia();
        // a debounce far longer than writing twenty small files takes
        source = ManifestSource.builder().path(dir).router(router).debounce(Duration.ofSeconds(1)).build().start();
        long swaps = router.swapCount();
        long reloads = source.reloadCount();

        for (int i = 0; i < 20; i++) {
            Files.writeString(dir.resolve("burst-" + i + ".yaml"), ingress("burst-" + i, "burst-" + i + ".kubia.com", "/"));
        }
        awaitSwap(swaps, "the burst served");

        assertEquals(swaps + 1, router.swapCount());
        assertEquals(reloads + 1, source.reloadCount());
        for (int i = 0; i < 20; i++) {
            assertInstanceOf(Route.class, match("burst-" + i + ".kubia.com", "/"));
        }
    }

    @Test
    void brokenFileLeavesTheLastGoodRoutesServing() throws IOException {
        copyKubia();
        start(dir);
        RouteTable before = router.current();

        String problem = firstProblemAfterWriting("ingress.yaml",
                ingress("ingress-myapp", "other.kubia.com", "/") + "  tls: [\n");

        // the same routes, now served with the file's problem, which the admin port reports from the table
        RouteTable after = router.current();
        assertEquals(before.routes(), after.routes(), "the last good routes are served");
        assertTrue(after.problems().stream().anyMatch(p -> p.kind().equals("File") && p.severity() == Problem.Severity.ERROR
                && p.object().startsWith(dir.resolve("ingress.yaml").toString())
                && p.message().startsWith("not valid YAML")), after.problems().toString());
        assertEquals(3, endpointsOf("myapp.kubia.com", "/").size());
        assertTrue(problem.startsWith(dir.resolve("ingress.yaml") + ":1 (document 1): not valid YAML: line "), problem);
        assertTrue(problem.endsWith("keeping the file's last good objects"), problem);
    }

    @Test
    void endpointSlicePortOutOfRangeWhileRunningIsReportedTheRestServesAndALaterGoodEditIsPickedUp()
            throws IOException {
        copyKubia();
        Files.writeString(dir.resolve("shop.yaml"), ApiObjects.ingressYaml("shop", "jingress", "shop.kubia.com", "/", "shop")
                + "---\n" + resource("kubia/service.yaml").replace("kubia", "shop")
                + "---\n" + resource("kubia/endpointslice.yaml").replace("kubia", "shop"));
        start(dir);
        assertEquals(3, endpointsOf("shop.kubia.com", "/").size());
        String slice = resource("kubia/endpointslice.yaml");
        long before = router.swapCount();

        Files.writeString(dir.resolve("endpointslice.yaml"), slice.replace("port: 8080", "port: 70000"));
        awaitSwap(before, "the out-of-range port reloaded");

        Problem expected = Problem.warning("EndpointSlice", "default/kubia-7xk2p", "ports[0].port",
                "70000 is not a port number (1 to 65535): this port is not served");
        assertTrue(router.current().problems().contains(expected), router.current().problems().toString());
        assertTrue(source.problems().stream().anyMatch(p -> p.contains(expected.toString())), source.problems().toString());
        Route kubia = assertInstanceOf(Route.class, match("myapp.kubia.com", "/"));
        assertEquals(List.of(), kubia.backend().endpoints(), "the bad port is not served");
        assertEquals(List.of("10.244.1.5:8080", "10.244.2.7:8080", "10.244.3.9:8080"), endpointsOf("shop.kubia.com", "/"),
                "the other routes keep serving");

        long afterBad = router.swapCount();
        Files.writeString(dir.resolve("endpointslice.yaml"), slice.replace("port: 8080", "port: 8081"));
        awaitSwap(afterBad, "the good edit picked up");

        assertEquals(List.of("10.244.1.5:8081", "10.244.2.7:8081", "10.244.3.9:8081"), endpointsOf("myapp.kubia.com", "/"));
        assertEquals(List.of(), source.problems());
    }

    @Test
    void fieldOfTheWrongTypeIsReportedWithFileDocumentAndField() throws IOException {
        copyKubia();
        start(dir);

        String problem = firstProblemAfterWriting("service.yaml",
                resource("kubia/service.yaml").replace("port: 80", "port: eighty"));

        assertTrue(problem.startsWith(dir.resolve("service.yaml") + ":2 (document 1): spec.ports[0].port: "), problem);
        assertEquals(3, endpointsOf("myapp.kubia.com", "/").size());
    }

    @Test
    void ingressMadeInvalidKeepsServingItsLastGoodVersion() throws IOException {
        copyKubia();
        start(dir);

        String problem = firstProblemAfterWriting("ingress.yaml", ingress("ingress-myapp", "myapp.kubia.com", "api"));

        assertEquals(3, endpointsOf("myapp.kubia.com", "/").size());
        assertTrue(problem.startsWith(dir.resolve("ingress.yaml")
                + ":1 (document 1): Ingress default/ingress-myapp: spec.rules[0].http.paths[0].path: "), problem);
        assertTrue(source.problems().stream().anyMatch(p -> p.contains("still serving its last good version")),
                source.problems().toString());
    }

    @Test
    void newInvalidIngressIsRejectedAloneAndTheRestServes() throws IOException {
        copyKubia();
        Files.writeString(dir.resolve("bad.yaml"), ingress("bad", "bad.kubia.com", "api"));

        start(dir);

        assertEquals(3, endpointsOf("myapp.kubia.com", "/").size());
        assertEquals(NoMatch.NO_HOST, match("bad.kubia.com", "/api"));
        assertTrue(source.problems().stream().anyMatch(p -> p.startsWith(dir.resolve("bad.yaml")
                + ":1 (document 1): Ingress default/bad: spec.rules[0].http.paths[0].path: ")), source.problems().toString());
    }

    @Test
    void ingressOfAnOldApiVersionIsSkippedWithAWarningNamingFileObjectAndTheVersionToUse() throws IOException {
        copyKubia();
        Path old = dir.resolve("old.yaml");
        Files.writeString(old, """
                apiVersion: extensions/v1beta1
                kind: Ingress
                metadata:
                  name: legacy
                  namespace: shop
                  annotations:
                    kubernetes.io/ingress.class: jingress
                spec:
                  rules:
                  - host: legacy.kubia.com
                    http:
                      paths:
                      - path: /
                        backend:
                          serviceName: kubia
                          servicePort: 80
                ---
                apiVersion: networking.k8s.io/v1beta1
                kind: Ingress
                metadata:
                  name: beta
                spec:
                  rules:
                  - host: beta.kubia.com
                    http:
                      paths:
                      - path: /
                        backend:
                          serviceName: kubia
                          servicePort: 80
                """);

        List<String> loadLines;
        List<String> warnings;
        try (CapturedLog log = CapturedLog.start()) {
            start(dir);
            loadLines = log.linesWith("serving");
            warnings = log.linesWith("is not read");
        }

        String legacy = old + ":1 (document 1): Ingress shop/legacy: apiVersion: extensions/v1beta1 is not read,"
                + " so it is skipped; use networking.k8s.io/v1";
        String beta = old + ":18 (document 2): Ingress default/beta: apiVersion: networking.k8s.io/v1beta1 is not read,"
                + " so it is skipped; use networking.k8s.io/v1";
        assertEquals(List.of(legacy, beta), source.problems());
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).endsWith(legacy), warnings.toString());
        assertTrue(loadLines.stream().anyMatch(l -> l.endsWith("serving 1 Ingress (0 rejected), 2 problems")),
                loadLines.toString());
        Problem listed = router.current().problems().get(0);
        assertEquals("File", listed.kind());
        assertEquals(Problem.Severity.WARNING, listed.severity(), "the rest of the file is served");
        assertEquals(old + ":1 (document 1)", listed.object());
        assertEquals(NoMatch.NO_HOST, match("legacy.kubia.com", "/"));
        assertEquals(3, endpointsOf("myapp.kubia.com", "/").size());
    }

    @Test
    void loadLineCountsIngressesTheTranslatorCannotCarryAsRejectedNotAsServed() throws IOException {
        copyKubia();  // one valid Ingress
        StringBuilder yaml = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            yaml.append(ingress("valid-" + i, "valid-" + i + ".kubia.com", "/")).append("---\n");
        }
        for (int i = 0; i < 16; i++) {
            yaml.append(ingress("invalid-" + i, "invalid-" + i + ".kubia.com", "api")).append("---\n");
        }
        yaml.append(ingress("both-port-fields", "a.kubia.com", "/").replace("number: 80", "{number: 80, name: http}"))
                .append("---\n");
        yaml.append(ingress("port-zero", "b.kubia.com", "/").replace("number: 80", "number: 0")).append("---\n");
        yaml.append(ingress("bad-time", "c.kubia.com", "/")
                .replace("  name: bad-time", "  name: bad-time\n  creationTimestamp: yesterday"));
        Files.writeString(dir.resolve("many.yaml"), yaml.toString());

        List<String> loadLines;
        try (CapturedLog log = CapturedLog.start()) {
            start(dir);
            loadLines = log.linesWith("serving");
        }

        assertEquals(4, router.current().routes().size(), "4 Ingresses served");
        assertEquals(1, loadLines.size(), loadLines.toString());
        assertTrue(loadLines.get(0).endsWith("serving 4 Ingresses (19 rejected), " + source.problems().size() + " problems"),
                loadLines.get(0));
        assertTrue(source.problems().stream().anyMatch(p -> p.contains("Ingress default/bad-time: metadata.creationTimestamp:")),
                source.problems().toString());
    }

    @Test
    void opaqueSecretNamedForTlsIsReportedAsOfTheWrongTypeNotAsMissing() throws IOException {
        copyKubia();
        Files.writeString(dir.resolve("ingress.yaml"), resource("kubia/ingress.yaml")
                .replace("  rules:", "  tls:\n  - hosts: [myapp.kubia.com]\n    secretName: opaque-tls\n  rules:"));
        Path secret = dir.resolve("secret.yaml");
        Files.writeString(secret, """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: opaque-tls
                type: Opaque
                stringData:
                  tls.crt: CERT
                  tls.key: KEY
                """);

        start(dir);

        assertEquals(List.of(secret + ":1 (document 1): Secret default/opaque-tls: type: is \"Opaque\", not kubernetes.io/tls:"
                        + " a certificate is read only from a Secret of that type",
                dir.resolve("ingress.yaml") + ":1 (document 1): Ingress default/ingress-myapp: spec.tls[0].secretName:"
                        + " no secret default/opaque-tls of type kubernetes.io/tls; myapp.kubia.com gets the default certificate"),
                source.problems());
        assertTrue(router.current().certificates().isEmpty());
        assertEquals(3, endpointsOf("myapp.kubia.com", "/").size(), "the Ingress serves, over the default certificate");
    }

    @Test
    void ingressOfAnotherClassIsNotServed() throws IOException {
        copyKubia();
        Files.writeString(dir.resolve("nginx.yaml"),
                ApiObjects.ingressYaml("theirs", "nginx", "theirs.kubia.com", "/", "kubia"));

        start(dir);

        assertEquals(NoMatch.NO_HOST, match("theirs.kubia.com", "/"));
        assertEquals(List.of(), source.problems());
    }

    @Test
    void manualReloadPicksUpChangesAtOnce() throws IOException {
        copyKubia();
        start(dir);

        Files.writeString(dir.resolve("second.yaml"), ingress("second", "second.kubia.com", "/"));
        source.reload();

        assertInstanceOf(Route.class, match("second.kubia.com", "/"));
    }

    // What the kubelet does to a mounted ConfigMap: files are links through ..data, which is
    // swapped by renaming a new link over it; the files themselves never see an event.
    private Path mountConfigMapVersion(String version, String content) throws IOException {
        Path versionDir = Files.createDirectory(dir.resolve("..2026_11_27_" + version));
        Files.writeString(versionDir.resolve("kubia-all.yaml"), content);
        Path link = dir.resolve("..data_tmp");
        Files.createSymbolicLink(link, versionDir.getFileName());
        Files.move(link, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return dir.resolve("kubia-all.yaml");
    }

    @Test
    void mountedConfigMapUpdateIsPickedUpInSingleFileMode() throws IOException {
        mountConfigMapVersion("v1", resource("kubia-all.yaml"));
        Path file = Files.createSymbolicLink(dir.resolve("kubia-all.yaml"), Path.of("..data", "kubia-all.yaml"));
        start(file);
        long before = router.swapCount();

        mountConfigMapVersion("v2", resource("kubia-all.yaml").replace("myapp.kubia.com", "v2.kubia.com"));
        awaitSwap(before, "the new ConfigMap version served");

        assertEquals(3, endpointsOf("v2.kubia.com", "/").size());
    }

    @Test
    void mountedConfigMapUpdateIsPickedUpInDirectoryMode() throws IOException {
        mountConfigMapVersion("v1", resource("kubia-all.yaml"));
        Files.createSymbolicLink(dir.resolve("kubia-all.yaml"), Path.of("..data", "kubia-all.yaml"));
        start(dir);
        assertEquals(3, endpointsOf("myapp.kubia.com", "/").size(), "the ..data directory itself is not read");
        long before = router.swapCount();

        mountConfigMapVersion("v2", resource("kubia-all.yaml").replace("myapp.kubia.com", "v2.kubia.com"));
        awaitSwap(before, "the new ConfigMap version served");

        assertEquals(3, endpointsOf("v2.kubia.com", "/").size());
    }

    @Test
    void aFileLinkedFromAnotherDirectoryIsFollowedWhenItChangesThere() throws IOException {
        // served/kubia-all.yaml -> ../elsewhere/kubia-all.yaml: the change is made in elsewhere/
        Path served = Files.createDirectory(dir.resolve("served"));
        Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
        Path target = Files.writeString(elsewhere.resolve("kubia-all.yaml"), resource("kubia-all.yaml"));
        Files.createSymbolicLink(served.resolve("kubia-all.yaml"), Path.of("..", "elsewhere", "kubia-all.yaml"));
        start(served);
        assertEquals(3, endpointsOf("myapp.kubia.com", "/").size());
        long before = router.swapCount();

        Files.writeString(target, resource("kubia-all.yaml").replace("myapp.kubia.com", "v2.kubia.com"));
        awaitSwap(before, "the linked file's change served");

        assertEquals(3, endpointsOf("v2.kubia.com", "/").size());
    }

    @Test
    void missingPathIsRefusedByStart() {
        ManifestSource unstarted = ManifestSource.builder().path(dir.resolve("nope")).router(router).build();

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, unstarted::start);

        assertTrue(e.getMessage().contains(dir.resolve("nope").toString()), e.getMessage());
    }
}
