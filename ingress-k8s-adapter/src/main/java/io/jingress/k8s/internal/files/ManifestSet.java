package io.jingress.k8s.internal.files;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.jingress.core.model.Problem;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * The manifests under one path, read again on every {@link #scan()}, each file keeping its last
 * good objects. Not thread-safe: one thread scans.
 *
 * <p>The rules:
 * <ul>
 *   <li>A directory is read non-recursively (like {@code kubectl apply -f DIR}): its files ending in
 *       {@code .yaml}, {@code .yml} or {@code .json}, in name order, skipping names that start with
 *       {@code .} (editor swap files, and the {@code ..data} links of a mounted ConfigMap).
 *   <li>A file that cannot be read, or with any document that does not parse, keeps the objects of its
 *       last good version (none if it never had one); each broken document is reported.
 *   <li>A file removed from a directory takes its objects with it. A single file given as the path
 *       that goes missing keeps its last good objects, and is reported.
 *   <li>An object defined twice (same kind, namespace and name) is taken from its first definition
 *       (files in name order, then documents in order); the others are reported.
 *   <li>An object of a kind we read in an API version we do not (an {@code extensions/v1beta1}
 *       Ingress) is skipped and reported; the rest of its file is taken.
 *   <li>A file that had objects and is now empty (zero bytes) keeps them for the empty-file grace
 *       time, as long as it stays empty: {@code cat > file}, {@code kubectl ... > file} and editors
 *       saving in place truncate the file before they write it, and the write may come seconds
 *       later. A file still empty after the grace time loses its objects; one removed, or written
 *       with no objects in it (a comment, {@code ---}, an empty {@code List}), loses them at once.
 * </ul>
 */
public final class ManifestSet {

    /** The {@link Problem#kind()} of a problem of a file rather than of an object in it. */
    public static final String FILE_KIND = "File";

    /** How long a file that became empty keeps its objects while it stays empty. */
    public static final Duration DEFAULT_EMPTY_GRACE = Duration.ofSeconds(5);

    private static final long NOT_EMPTY = Long.MIN_VALUE;

    private final Path path;
    private final boolean directory;
    private final long emptyGraceNanos;
    private final LongSupplier nanoTime;
    private final Map<Path, FileState> files = new HashMap<>();

    /** {@code emptySince}: the {@link #nanoTime} the file was first seen empty with objects kept, else {@link #NOT_EMPTY}. */
    private record FileState(String content, ParsedFile lastParse, List<ManifestObject> lastGood, long emptySince) {

        FileState(String content, ParsedFile lastParse, List<ManifestObject> lastGood) {
            this(content, lastParse, lastGood, NOT_EMPTY);
        }
    }

    /**
     * A file found empty whose last good objects are kept for now.
     *
     * @param file the file
     * @param objects how many objects it keeps
     * @param left how long it may stay empty before it loses them
     */
    public record HeldFile(Path file, int objects, Duration left) {
    }

    /**
     * The outcome of a scan.
     *
     * @param objects the objects to serve, in file and document order
     * @param problems one readable line per problem, naming file and document: what could not be
     *     read, and objects defined twice
     * @param skipped one readable line per object skipped for its API version, naming file, document and object
     * @param held the files found empty that keep their last good objects for now
     * @param emptied the files still empty after the grace time, whose objects this scan dropped
     */
    public record Scan(List<ManifestObject> objects, List<String> problems, List<String> skipped, List<HeldFile> held,
            List<Path> emptied) {

        public Scan {
            objects = List.copyOf(objects);
            problems = List.copyOf(problems);
            skipped = List.copyOf(skipped);
            held = List.copyOf(held);
            emptied = List.copyOf(emptied);
        }

        /** When to scan again, with nothing changed, to drop the objects of a file that stays empty; empty if never. */
        public Optional<Duration> recheckIn() {
            return held.stream().map(HeldFile::left).min(Duration::compareTo);
        }

        /** The objects alone. */
        public List<HasMetadata> kubernetesObjects() {
            return objects.stream().map(ManifestObject::object).toList();
        }

        /**
         * Both lists as problems of kind {@value #FILE_KIND} whose object is the file and document:
         * {@link #problems()} as errors, then {@link #skipped()} as warnings (the file is served without them).
         */
        public List<Problem> asProblems() {
            List<Problem> out = new ArrayList<>();
            problems.forEach(line -> out.add(fileProblem(line, Problem.Severity.ERROR)));
            skipped.forEach(line -> out.add(fileProblem(line, Problem.Severity.WARNING)));
            return out;
        }

        // "PATH:LINE (document N): what"
        private static Problem fileProblem(String line, Problem.Severity severity) {
            int colon = line.indexOf(": ");
            return colon < 0 ? new Problem(FILE_KIND, "", "", line, severity)
                    : new Problem(FILE_KIND, line.substring(0, colon), "", line.substring(colon + 2), severity);
        }
    }

    /**
     * @param path a manifest file or a directory of them; must exist
     * @throws IllegalArgumentException when the path does not exist
     */
    public ManifestSet(Path path) {
        this(path, DEFAULT_EMPTY_GRACE, System::nanoTime);
    }

    /**
     * @param path a manifest file or a directory of them; must exist
     * @param emptyGrace how long a file that became empty keeps its objects while it stays empty (zero: not at all)
     * @param nanoTime the clock of {@code emptyGrace}, as {@link System#nanoTime()}
     * @throws IllegalArgumentException when the path does not exist
     */
    public ManifestSet(Path path, Duration emptyGrace, LongSupplier nanoTime) {
        this.path = Objects.requireNonNull(path, "path");
        this.emptyGraceNanos = Objects.requireNonNull(emptyGrace, "emptyGrace").toNanos();
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        if (!Files.exists(path)) {
            throw new IllegalArgumentException("manifests path " + path + " does not exist");
        }
        this.directory = Files.isDirectory(path);
    }

    public Path path() {
        return path;
    }

    public boolean isDirectory() {
        return directory;
    }

    /** Whether a file name is one a directory scan reads. */
    public static boolean isManifestName(String fileName) {
        String name = fileName.toLowerCase(Locale.ROOT);
        return !name.startsWith(".") && (name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json"));
    }

    /**
     * The directories outside the watched one (the directory, or the file's) that the files read
     * reach through symbolic links: each link's target's directory, and the directory of where the
     * chain ends (a link into a mounted ConfigMap elsewhere ends past its {@code ..data} link).
     * Changes there are changes to these files.
     */
    public Set<Path> linkedDirectories() {
        Path home = (directory ? path : path.toAbsolutePath().getParent()).toAbsolutePath().normalize();
        Set<Path> found = new TreeSet<>();
        for (Path file : files.keySet()) {
            if (!Files.isSymbolicLink(file)) {
                continue;
            }
            try {
                Path link = file.toAbsolutePath();
                Path target = link.getParent().resolve(Files.readSymbolicLink(link)).normalize();
                found.add(target.getParent());
                found.add(file.toRealPath().getParent());
            } catch (IOException | RuntimeException e) {
                // dangling, or gone meanwhile: nothing to watch there
            }
        }
        found.removeIf(dir -> dir == null || dir.equals(home));
        return found;
    }

    /** Reads the files again (re-parsing only those whose content changed). */
    public Scan scan() {
        List<String> problems = new ArrayList<>();
        List<Path> paths;
        if (directory) {
            try (Stream<Path> listing = Files.list(path)) {
                paths = listing.filter(p -> isManifestName(p.getFileName().toString()) && Files.isRegularFile(p))
                        .sorted().toList();
            } catch (IOException e) {
                problems.add(path + ": cannot list the directory (" + e + "); keeping the last good objects");
                paths = List.copyOf(files.keySet()).stream().sorted().toList();
            }
            files.keySet().retainAll(paths);
        } else {
            paths = List.of(path);
        }

        List<ManifestObject> objects = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        List<HeldFile> held = new ArrayList<>();
        List<Path> emptied = new ArrayList<>();
        long now = nanoTime.getAsLong();
        for (Path file : paths) {
            FileState previous = files.get(file);
            FileState state = read(file, previous, problems);
            if (state != null && state.content().isEmpty() && previous != null && !previous.lastGood().isEmpty()) {
                // Truncated, maybe to be written in a moment: keep its objects while it stays empty.
                long since = previous.emptySince() != NOT_EMPTY ? previous.emptySince() : now;
                long left = emptyGraceNanos - (now - since);
                if (left > 0) {
                    state = new FileState(previous.content(), previous.lastParse(), previous.lastGood(), since);
                    held.add(new HeldFile(file, previous.lastGood().size(), Duration.ofNanos(left)));
                } else if (previous.emptySince() != NOT_EMPTY) {
                    emptied.add(file);
                }
            }
            if (state != null) {
                files.put(file, state);
                objects.addAll(state.lastGood());
                skipped.addAll(state.lastParse().skipped());  // of the file as it is now, taken or not
            }
        }
        return new Scan(withoutDuplicates(objects, problems), problems, skipped, held, emptied);
    }

    private static FileState read(Path file, FileState previous, List<String> problems) {
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            problems.add(file + ": not found" + keeping(previous));
            return previous;
        } catch (CharacterCodingException e) {
            problems.add(file + ": not UTF-8 text" + keeping(previous));
            return previous;
        } catch (IOException e) {
            problems.add(file + ": cannot read (" + e + ")" + keeping(previous));
            return previous;
        }
        ParsedFile parsed = previous != null && previous.content().equals(content)
                ? previous.lastParse()
                : ManifestParser.parse(file, content);
        if (parsed.isValid()) {
            return new FileState(content, parsed, parsed.objects());
        }
        String suffix = keeping(previous);
        for (String problem : parsed.problems()) {
            problems.add(problem + suffix);
        }
        return new FileState(content, parsed, previous == null ? List.of() : previous.lastGood());
    }

    private static String keeping(FileState previous) {
        return previous == null || previous.lastGood().isEmpty()
                ? "; nothing is taken from this file"
                : "; keeping the file's last good objects";
    }

    private static List<ManifestObject> withoutDuplicates(List<ManifestObject> objects, List<String> problems) {
        Map<String, ManifestObject> first = new LinkedHashMap<>();
        for (ManifestObject object : objects) {
            String key = object.describe();
            ManifestObject earlier = first.putIfAbsent(key, object);
            if (earlier != null) {
                problems.add(object.origin() + ": " + key + " is defined again; using its first definition at "
                        + earlier.origin());
            }
        }
        return List.copyOf(first.values());
    }
}
