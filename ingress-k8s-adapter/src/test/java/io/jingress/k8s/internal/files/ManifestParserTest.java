package io.jingress.k8s.internal.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManifestParserTest {

    static String resource(String name) throws IOException {
        try (InputStream in = ManifestParserTest.class.getResourceAsStream("/manifests/" + name)) {
            if (in == null) {
                throw new IOException("no test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static List<String> described(ParsedFile file) {
        return file.objects().stream().map(ManifestObject::describe).toList();
    }

    @Test
    void multiDocumentYamlYieldsOurKindsWithTheirDocumentAndLine() throws IOException {
        ParsedFile file = ManifestParser.parse(Path.of("kubia-all.yaml"), resource("kubia-all.yaml"));

        assertEquals(List.of(), file.problems());
        assertEquals(List.of("Service default/kubia", "Ingress default/ingress-myapp",
                "EndpointSlice default/kubia-7xk2p"), described(file), "the Deployment is skipped");
        assertEquals(new Origin(Path.of("kubia-all.yaml"), 1, 3), file.objects().get(0).origin());
        assertEquals(4, file.objects().get(2).origin().document(), "the Deployment still counts as a document");
        assertTrue(file.objects().get(0).object() instanceof Service);
        assertTrue(file.objects().get(2).object() instanceof EndpointSlice);
    }

    @Test
    void jsonListYieldsItsItemsInTheirNamespace() throws IOException {
        ParsedFile file = ManifestParser.parse(Path.of("kubia-list.json"), resource("kubia-list.json"));

        assertEquals(List.of(), file.problems());
        assertEquals(List.of("Service shop/kubia", "Ingress shop/ingress-myapp", "Endpoints shop/kubia"),
                described(file));
        assertTrue(file.objects().get(2).object() instanceof Endpoints);
    }

    @Test
    void yamlV1ListYieldsItsItems() throws IOException {
        ParsedFile file = ManifestParser.parse(Path.of("kubia-v1-list.yaml"), resource("kubia-v1-list.yaml"));

        assertEquals(List.of("Service default/kubia", "Ingress default/ingress-myapp"), described(file));
        assertTrue(file.objects().get(1).object() instanceof Ingress);
    }

    @Test
    void commentOnlyDocumentsAreNotCounted() {
        String yaml = "# header\n---\n# nothing here\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: a\n---\n";

        ParsedFile file = ManifestParser.parse(Path.of("a.yaml"), yaml);

        assertEquals(List.of("Service default/a"), described(file));
        assertEquals(new Origin(Path.of("a.yaml"), 1, 5), file.objects().get(0).origin());
    }

    @Test
    void brokenYamlNamesFileDocumentAndLine() {
        String yaml = "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n---\n"
                + "apiVersion: v1\nkind: Service\nmetadata:\n  name: b\n  labels: [x\n";

        ParsedFile file = ManifestParser.parse(Path.of("routes.yaml"), yaml);

        assertEquals(1, file.problems().size(), file.problems().toString());
        String problem = file.problems().get(0);
        assertTrue(problem.startsWith("routes.yaml:6 (document 2): not valid YAML: line "), problem);
        assertTrue(problem.contains("expected ',' or ']'"), problem);
    }

    @Test
    void yamlErrorAtTheEndOfTheLastDocumentNamesItsLastLine() {
        // line 10 is the last a user's editor shows: "  labels: [x", the flow sequence left open
        String yaml = "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n---\n"
                + "apiVersion: v1\nkind: Service\nmetadata:\n  name: b\n  labels: [x\n";

        ParsedFile file = ManifestParser.parse(Path.of("routes.yaml"), yaml);

        assertEquals(1, file.problems().size(), file.problems().toString());
        assertTrue(file.problems().get(0).startsWith(
                "routes.yaml:6 (document 2): not valid YAML: line 10, column 13: "), file.problems().get(0));
    }

    @Test
    void yamlErrorAtTheEndOfAnInnerDocumentNamesItsLastLineNotTheSeparator() {
        String yaml = "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  labels: [x\n\n---\n"
                + "apiVersion: v1\nkind: Service\nmetadata:\n  name: b\n";

        ParsedFile file = ManifestParser.parse(Path.of("routes.yaml"), yaml);

        assertEquals(1, file.problems().size(), file.problems().toString());
        assertTrue(file.problems().get(0).startsWith(
                "routes.yaml:1 (document 1): not valid YAML: line 5, column 13: "), file.problems().get(0));
    }

    @Test
    void yamlErrorAtTheEndOfAFileWithoutFinalNewlineOrWithCrlfNamesItsLastLine() {
        String lf = "apiVersion: v1\nkind: Service\nmetadata:\n  name: b\n  labels: [x";
        String crlf = "apiVersion: v1\r\nkind: Service\r\nmetadata:\r\n  name: b\r\n  labels: [x\r\n";

        for (String yaml : List.of(lf, crlf)) {
            ParsedFile file = ManifestParser.parse(Path.of("routes.yaml"), yaml);

            assertEquals(1, file.problems().size(), file.problems().toString());
            assertTrue(file.problems().get(0).startsWith(
                    "routes.yaml:1 (document 1): not valid YAML: line 5, column 13: "), file.problems().get(0));
        }
    }

    @Test
    void yamlErrorInsideADocumentNamesTheLineAndColumnOfTheEditor() {
        // line 4 holds a tab where YAML wants spaces: the editor's line 4, column 1
        String yaml = "# routes\n---\napiVersion: v1\n\tkind: Service\n";

        ParsedFile file = ManifestParser.parse(Path.of("routes.yaml"), yaml);

        assertEquals(1, file.problems().size(), file.problems().toString());
        assertTrue(file.problems().get(0).startsWith("routes.yaml:3 (document 1): not valid YAML: line 4, column "),
                file.problems().get(0));
    }

    @Test
    void wrongFieldTypeNamesTheFieldPath() {
        String yaml = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  rules:\n"
                + "  - http:\n      paths:\n      - path: /\n        pathType: Prefix\n        backend:\n"
                + "          service:\n            name: kubia\n            port:\n              number: eighty\n";

        ParsedFile file = ManifestParser.parse(Path.of("web.yaml"), yaml);

        assertEquals(1, file.problems().size());
        String problem = file.problems().get(0);
        assertTrue(problem.startsWith("web.yaml:1 (document 1): spec.rules[0].http.paths[0].backend.service.port.number: "),
                problem);
        assertTrue(problem.contains("\"eighty\""), problem);
    }

    @Test
    void badItemOfAListNamesItsIndex() {
        String yaml = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata:\n    name: a\n"
                + "- apiVersion: v1\n  kind: Service\n  metadata:\n    name: b\n  spec:\n    ports: 12\n";

        ParsedFile file = ManifestParser.parse(Path.of("list.yaml"), yaml);

        assertEquals(1, file.problems().size());
        assertTrue(file.problems().get(0).startsWith("list.yaml:1 (document 1): items[1].spec.ports: "),
                file.problems().get(0));
    }

    @Test
    void documentWithoutKindIsReported() {
        ParsedFile file = ManifestParser.parse(Path.of("a.yaml"), "metadata:\n  name: a\n");

        assertEquals(List.of("a.yaml:1 (document 1): not a Kubernetes object: apiVersion and kind are required"),
                file.problems());
    }

    @Test
    void brokenJsonNamesTheLine() {
        ParsedFile file = ManifestParser.parse(Path.of("a.json"), "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \n}\n");

        assertEquals(1, file.problems().size());
        assertTrue(file.problems().get(0).startsWith("a.json:1 (document 1): "), file.problems().get(0));
        assertTrue(file.problems().get(0).contains("line 4"), file.problems().get(0));
    }

    @Test
    void jsonCutShortNamesItsLastLine() {
        ParsedFile file = ManifestParser.parse(Path.of("a.json"), "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"Service\"\n");

        assertEquals(1, file.problems().size());
        assertTrue(file.problems().get(0).contains("line 3, column 20: Unexpected end-of-input: expected close marker"),
                file.problems().get(0));
        assertFalse(file.problems().get(0).contains("Source"), file.problems().get(0));
    }

    @Test
    void yamlDocumentLargerThanFabric8sThreeMegabytesIsRead() {
        StringBuilder yaml = new StringBuilder("apiVersion: v1\nkind: List\nitems:\n");
        int services = 0;
        while (yaml.length() < 4 * 1024 * 1024) {
            yaml.append("- apiVersion: v1\n  kind: Service\n  metadata:\n    name: s").append(services++)
                    .append("\n    annotations: {note: \"").append("x".repeat(4000)).append("\"}\n");
        }

        ParsedFile file = ManifestParser.parse(Path.of("all.yaml"), yaml.toString());

        assertEquals(List.of(), file.problems());
        assertEquals(services, file.objects().size());
    }

    @Test
    void yamlDocumentThatIsNotAMappingIsReported() {
        ParsedFile file = ManifestParser.parse(Path.of("a.yaml"), "just some text\n---\n- a\n- b\n");

        assertEquals(2, file.problems().size(), file.problems().toString());
        assertEquals("a.yaml:1 (document 1): not a Kubernetes object: apiVersion and kind are required",
                file.problems().get(0));
        assertTrue(file.problems().get(1).startsWith("a.yaml:3 (document 2): "), file.problems().get(1));
    }

    @Test
    void pemBlockInsideADocumentIsNotASeparator() {
        String yaml = "apiVersion: v1\nkind: Secret\ntype: kubernetes.io/tls\nmetadata:\n  name: tls\nstringData:\n"
                + "  tls.crt: |\n    -----BEGIN CERTIFICATE-----\n    MIIB\n    -----END CERTIFICATE-----\n";

        ParsedFile file = ManifestParser.parse(Path.of("tls.yaml"), yaml);

        assertEquals(List.of(), file.problems());
        assertEquals(List.of("Secret default/tls"), described(file));
    }
}
