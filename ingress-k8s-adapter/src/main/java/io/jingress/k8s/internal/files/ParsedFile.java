package io.jingress.k8s.internal.files;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What one manifest file holds: its objects of the kinds we read, and what could not be read.
 *
 * @param file the file
 * @param objects the objects, in document order
 * @param problems one readable line per document that could not be read, naming file, document,
 *     field and reason; when not empty the file as a whole is not taken
 * @param skipped one readable line per object of a kind we read but in an API version we do not
 *     (an {@code extensions/v1beta1} Ingress), naming file, document and object; the rest of the
 *     file is taken
 */
public record ParsedFile(Path file, List<ManifestObject> objects, List<String> problems, List<String> skipped) {

    public ParsedFile {
        Objects.requireNonNull(file, "file");
        objects = List.copyOf(objects);
        problems = List.copyOf(problems);
        skipped = List.copyOf(skipped);
    }

    public boolean isValid() {
        return problems.isEmpty();
    }
}
