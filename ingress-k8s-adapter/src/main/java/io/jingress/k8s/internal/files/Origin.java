package io.jingress.k8s.internal.files;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where an object was read: the file, the document in it (1-based, counting documents that hold
 * something) and the line the document starts on (1-based). Reads {@code routes.yaml:12 (document 2)}.
 */
public record Origin(Path file, int document, int line) {

    public Origin {
        Objects.requireNonNull(file, "file");
    }

    @Override
    public String toString() {
        return file + ":" + line + " (document " + document + ")";
    }
}
