package io.jingress.k8s.internal.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestSetTest {

    @TempDir
    Path dir;

    private static String service(String name) {
        return "apiVersion: v1\nkind: Service\nmetadata:\n  name: " + name + "\nspec:\n  ports:\n  - port: 80\n";
    }

    private static List<String> names(ManifestSet.Scan scan) {
        return scan.objects().stream().map(ManifestObject::describe).toList();
    }

    @Test
    void directoryIsReadInNameOrderSkippingOtherAndHiddenFiles() throws IOException {
        Files.writeString(dir.resolve("b.yaml"), service("b"));
        Files.writeString(dir.resolve("a.yml"), service("a"));
        Files.writeString(dir.resolve("c.json"), "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"c\"}}");
        Files.writeString(dir.resolve("notes.txt"), service("txt"));
        Files.writeString(dir.resolve(".hidden.yaml"), service("hidden"));
        Files.createDirectory(dir.resolve("nested"));
        Files.writeString(dir.resolve("nested/d.yaml"), service("nested"));

        ManifestSet.Scan scan = new ManifestSet(dir).scan();

        assertEquals(List.of("Service default/a", "Service default/b", "Service default/c"), names(scan));
        assertEquals(List.of(), scan.problems());
    }

    @Test
    void brokenFileKeepsItsLastGoodObjects() throws IOException {
        Path file = dir.resolve("a.yaml");
        Files.writeString(file, service("a"));
        ManifestSet set = new ManifestSet(dir);
        assertEquals(List.of("Service default/a"), names(set.scan()));

        Files.writeString(file, service("renamed") + "  - port: [\n");
        ManifestSet.Scan scan = set.scan();

        assertEquals(List.of("Service default/a"), names(scan));
        assertEquals(1, scan.problems().size());
        assertTrue(scan.problems().get(0).startsWith(file + ":1 (document 1): not valid YAML"), scan.problems().get(0));
        assertTrue(scan.problems().get(0).endsWith("; keeping the file's last good objects"), scan.problems().get(0));
    }

    @Test
    void brokenFileWithoutAGoodVersionContributesNothing() throws IOException {
        Files.writeString(dir.resolve("a.yaml"), service("a"));
        Files.writeString(dir.resolve("b.yaml"), "kind: [\n");

        ManifestSet.Scan scan = new ManifestSet(dir).scan();

        assertEquals(List.of("Service default/a"), names(scan));
        assertTrue(scan.problems().get(0).endsWith("; nothing is taken from this file"), scan.problems().get(0));
    }

    @Test
    void removedFileTakesItsObjectsWithIt() throws IOException {
        Files.writeString(dir.resolve("a.yaml"), service("a"));
        Files.writeString(dir.resolve("b.yaml"), service("b"));
        ManifestSet set = new ManifestSet(dir);
        set.scan();

        Files.delete(dir.resolve("b.yaml"));

        assertEquals(List.of("Service default/a"), names(set.scan()));
    }

    @Test
    void missingSingleFileKeepsItsLastGoodObjects() throws IOException {
        Path file = dir.resolve("a.yaml");
        Files.writeString(file, service("a"));
        ManifestSet set = new ManifestSet(file);
        set.scan();

        Files.delete(file);
        ManifestSet.Scan scan = set.scan();

        assertEquals(List.of("Service default/a"), names(scan));
        assertEquals(List.of(file + ": not found; keeping the file's last good objects"), scan.problems());
    }

    @Test
    void objectDefinedTwiceIsTakenFromItsFirstDefinition() throws IOException {
        Files.writeString(dir.resolve("a.yaml"), service("same"));
        Files.writeString(dir.resolve("b.yaml"), service("other") + "---\n" + service("same"));

        ManifestSet.Scan scan = new ManifestSet(dir).scan();

        assertEquals(List.of("Service default/same", "Service default/other"), names(scan));
        assertEquals(List.of(dir.resolve("b.yaml") + ":9 (document 2): Service default/same is defined again; "
                + "using its first definition at " + dir.resolve("a.yaml") + ":1 (document 1)"), scan.problems());
    }

    @Test
    void missingPathIsRefusedUpFront() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ManifestSet(dir.resolve("nope")));

        assertTrue(e.getMessage().contains("nope"), e.getMessage());
    }
}
