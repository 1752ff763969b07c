package io.jingress.k8s;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.jingress.core.model.ClusterState;
import io.jingress.core.model.Ingress;
import io.jingress.core.model.IngressValidator;
import io.jingress.core.model.Problem;
import io.jingress.core.route.RouteCompiler;
import io.jingress.core.route.Router;
import io.jingress.k8s.internal.api.IngressCounts;
import io.jingress.k8s.internal.files.DebouncedWatcher;
import io.jingress.k8s.internal.files.ManifestObject;
import io.jingress.k8s.internal.files.ManifestSet;
import io.jingress.k8s.internal.files.Origin;
import io.jingress.k8s.internal.translate.ClassFilter;
import io.jingress.k8s.internal.translate.ClusterStateAssembler;
import io.jingress.k8s.internal.translate.LastGoodIngresses;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes from manifest files ({@code --manifests PATH}): a YAML or JSON file, or a directory of
 * them, holding Ingresses, IngressClasses, Services, EndpointSlices, Endpoints, Secrets and ConfigMaps (those an
 * Ingress's annotation names: {@code auth-secret}, {@code custom-headers}...), the
 * way {@code kubectl get -o yaml} writes them (multi-document YAML and {@code kind: List} included).
 * They are translated exactly as objects from the API server are, and served live:
 *
 * <pre>{@code
 * Router router = Router.create();
 * try (ManifestSource source = ManifestSource.builder()
 *         .path(Path.of("/etc/jingress/routes"))
 *         .router(router)
 *         .build()
 *         .start()) {
 *     // router serves the manifests, and follows every change to them
 * }
 * }</pre>
 *
 * <h2>What is read</h2>
 * A directory is read non-recursively, like {@code kubectl apply -f DIR}: its {@code .yaml},
 * {@code .yml} and {@code .json} files in name order, skipping names that start with {@code .}.
 * Other kinds (Deployments and the like) are skipped; one of the kinds above in an API version not
 * read (an {@code extensions/v1beta1} or {@code networking.k8s.io/v1beta1} Ingress) is skipped with a
 * warning naming file, document and object. An object without a namespace is in
 * {@code default}. Only the Ingresses of our class are served (see {@link AdapterOptions}).
 *
 * <h2>Live reload</h2>
 * The directory (or, for a single file, the directory holding it) is watched; the files are read
 * again once nothing has changed for the debounce time (300 ms by default). This catches a file
 * edited in place, added, removed, replaced by an atomic rename, and a mounted ConfigMap's update.
 * A configuration equal to the one served is not compiled again. A file that had objects and is
 * found empty keeps them while it stays empty, up to {@link Builder#emptyFileGrace(Duration)}
 * (5 s): writers such as {@code cat > file} empty a file before they write it.
 *
 * <h2>Bad input: the last good configuration keeps serving</h2>
 * <ul>
 *   <li>A file that cannot be read, or with any document that does not parse, keeps its last good
 *       objects (none if it never parsed); each broken document is reported with its file, line,
 *       document number, field and reason.
 *   <li>An Ingress of ours that is invalid (the validator or the translator rejects it) is replaced by
 *       its last good version when it had one, else rejected alone; the rest is served.
 *   <li>A file removed from the directory takes its objects with it; a single file given as the path
 *       that goes missing keeps its last good objects.
 * </ul>
 * Each problem is logged once when it appears, and once more when it is gone, as one line naming
 * the file and document, e.g.
 * {@code routes/web.yaml:12 (document 2): Ingress shop/web: spec.rules[0].http.paths[0].path: "api" must start with "/"};
 * {@link #problems()} lists those current. The first load does not fail on bad content: it serves
 * what is valid and reports the rest. Only a path that does not exist is refused, by {@link #start()}.
 */
public final class ManifestSource implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ManifestSource.class);
    /** The {@link Problem#kind()} of a manifest file that cannot be read or parsed, or of an object skipped in it. */
    static final String FILE = ManifestSet.FILE_KIND;

    /** The default quiet time between the last file event and the reload. */
    public static final Duration DEFAULT_DEBOUNCE = Duration.ofMillis(300);
    /** The default time a file that had objects and is found empty keeps them while it stays empty. */
    public static final Duration DEFAULT_EMPTY_FILE_GRACE = ManifestSet.DEFAULT_EMPTY_GRACE;

    private final Path path;
    private final AdapterOptions options;
    private final Duration debounce;
    private final Duration emptyFileGrace;
    private final LongSupplier nanoTime;
    private final RouteUpdater updater;
    private final LastGoodIngresses lastGood = new LastGoodIngresses();
    private ManifestSet manifests;
    private DebouncedWatcher watcher;
    private volatile Map<String, Origin> origins = Map.of();
    private volatile List<String> problems = List.of();
    private Set<String> ignoredLogged = Set.of();  // the lines on Ingresses left alone for their class, as last logged (without their place)
    private Set<Path> heldLogged = Set.of();  // the files found empty whose objects are kept, as last logged
    private volatile ClusterState state = ClusterState.empty();
    private volatile long reloads;
    private volatile boolean closed;

    private ManifestSource(Builder builder) {
        this.path = Objects.requireNonNull(builder.path, "path");
        this.options = builder.options;
        this.debounce = builder.debounce;
        this.emptyFileGrace = builder.emptyFileGrace;
        this.nanoTime = builder.nanoTime;
        RouteUpdater.Builder updaterBuilder = RouteUpdater.builder()
                .router(Objects.requireNonNull(builder.router, "router"))
                .describer(this::describe);
        if (builder.compiler != null) {
            updaterBuilder.compiler(builder.compiler);
        }
        this.updater = updaterBuilder.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Loads the manifests (on this thread: the router serves them when this returns), then watches
     * them for changes.
     *
     * @return this source
     * @throws IllegalArgumentException when the path does not exist
     * @throws UncheckedIOException when the path cannot be watched
     * @throws IllegalStateException when already started or closed
     */
    public synchronized ManifestSource start() {
        if (manifests != null || closed) {
            throw new IllegalStateException("ManifestSource of " + path + " is already started or closed");
        }
        manifests = new ManifestSet(path, emptyFileGrace, nanoTime);
        Path directory = manifests.isDirectory() ? path : parentOf(path);
        String fileName = path.getFileName().toString();
        try {
            // watch first, so that no change between the first load and the watch is missed
            watcher = DebouncedWatcher.start(directory,
                    manifests.isDirectory()
                            ? name -> true
                            // ..data and friends: the atomic writer behind mounted ConfigMaps and Secrets
                            : name -> name.equals(fileName) || name.startsWith(".."),
                    debounce, this::reloadIfOpen);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot watch " + directory + " for changes to " + path, e);
        }
        reload();
        LOG.info("watching {} for changes", manifests.isDirectory() ? path : path + " (in " + directory + ")");
        return this;
    }

    /**
     * Reads the manifests again now, on this thread, and serves them (under the same rules as a
     * change seen by the watch).
     *
     * @throws IllegalStateException when not started
     */
    public synchronized void reload() {
        if (manifests == null) {
            throw new IllegalStateException("ManifestSource of " + path + " is not started");
        }
        ManifestSet.Scan scan = manifests.scan();
        DebouncedWatcher w = watcher;
        if (w != null) {
            w.alsoWatch(manifests.linkedDirectories());  // files linked from elsewhere change there
        }
        logEmptyFiles(scan);
        Map<String, Origin> byObject = new HashMap<>();
        for (ManifestObject object : scan.objects()) {
            byObject.put(object.describe(), object.origin());
        }
        origins = Map.copyOf(byObject);

        List<HasMetadata> objects = scan.kubernetesObjects();
        LastGoodIngresses.Result kept = lastGood.apply(options, objects);
        ClusterStateAssembler.Assembly assembly = ClusterStateAssembler.assemble(options, kept.objects());
        // The files' problems go with the others to the served table (the admin port's /routes and
        // problem metric), which logs each once when it appears.
        List<Problem> sourceProblems = new ArrayList<>(scan.asProblems());
        sourceProblems.addAll(assembly.problems());
        sourceProblems.addAll(kept.problems());
        long buildsBefore = updater.builds();
        updater.update(assembly.state(), sourceProblems);
        state = assembly.state();

        List<String> current = new ArrayList<>(scan.problems());
        current.addAll(scan.skipped());
        for (Problem problem : updater.problems()) {
            if (!FILE.equals(problem.kind())) {
                current.add(describe(problem));
            }
        }
        problems = List.copyOf(current);
        reloads++;
        logIgnored(assembly);
        if (updater.builds() != buildsBefore) {
            // as cluster mode counts them: an Ingress that failed translation is rejected though not in the state
            IngressCounts counts = IngressCounts.of(state, sourceProblems, IngressValidator::validate);
            LOG.info("manifests {}{}: serving {}, {} problem{}", path, namespaces(options),
                    counts.describe(assembly.ignored().size(), assembly.unwatched().size()),
                    current.size(), current.size() == 1 ? "" : "s");
        }
    }

    /**
     * Says when a file found empty keeps its objects for now, and when it stays empty too long and
     * loses them; asks for the scan that will drop them if nothing else changes.
     */
    private void logEmptyFiles(ManifestSet.Scan scan) {
        Set<Path> held = new LinkedHashSet<>();
        for (ManifestSet.HeldFile file : scan.held()) {
            held.add(file.file());
            if (!heldLogged.contains(file.file())) {
                LOG.info("{}: empty; its {} keep{} serving while it is written, or for {} if it stays empty",
                        file.file(), file.objects() == 1 ? "object" : file.objects() + " objects",
                        file.objects() == 1 ? "s" : "", seconds(emptyFileGrace));
            }
        }
        for (Path file : scan.emptied()) {
            LOG.info("{}: still empty after {}: its objects are removed", file, seconds(emptyFileGrace));
        }
        heldLogged = held;
        DebouncedWatcher w = watcher;
        if (w != null) {
            scan.recheckIn().ifPresent(w::runAgainAfter);
        }
    }

    /** {@code " (namespaces a, b)"} when {@code --watch-namespace} limits them, else nothing. */
    static String namespaces(AdapterOptions options) {
        return options.watchNamespaces().isEmpty() ? ""
                : " (namespace" + (options.watchNamespaces().size() == 1 ? " " : "s ")
                        + String.join(", ", new TreeSet<>(options.watchNamespaces())) + ")";
    }

    private static String seconds(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }

    /**
     * Says once which Ingresses of the files are not served for their class, and why: in a file
     * the user gave, an Ingress without {@code ingressClassName} served by nothing is most likely a
     * mistake. Not problems: one file may hold Ingresses of several controllers.
     */
    private void logIgnored(ClusterStateAssembler.Assembly assembly) {
        Set<String> lines = new LinkedHashSet<>();
        for (Ingress ingress : assembly.ignored()) {
            String hint = ClassFilter.className(ingress) == null
                    ? "; to serve it, give it spec.ingressClassName: " + options.ingressClass() : "";
            String line = "Ingress " + ingress.key() + " is not served: " + assembly.classFilter().reason(ingress) + hint;
            lines.add(line);
            if (!ignoredLogged.contains(line)) {  // not again when only its place in the file moved
                Origin origin = origins.get("Ingress " + ingress.key());
                LOG.info("{}{}", origin == null ? "" : origin + ": ", line);
            }
        }
        ignoredLogged = lines;
    }

    private void reloadIfOpen() {
        if (!closed) {
            reload();
        }
    }

    /** The problems of the configuration now served, one readable line each, naming file and document where known. */
    public List<String> problems() {
        return problems;
    }

    /** How many times the manifests were read (the first load included), whether or not anything changed. */
    public long reloadCount() {
        return reloads;
    }

    /** The state served now: our Ingresses and the objects they refer to. */
    public ClusterState state() {
        return state;
    }

    public Path path() {
        return path;
    }

    /** Stops watching; the router keeps the last table. */
    @Override
    public void close() {
        closed = true;
        DebouncedWatcher w;
        synchronized (this) {
            w = watcher;
            watcher = null;
        }
        if (w != null) {
            w.close();
        }
    }

    private String describe(Problem problem) {
        Origin origin = origins.get(problem.kind() + " " + problem.object());
        return origin == null ? problem.toString() : origin + ": " + problem;
    }

    private static Path parentOf(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        return parent != null ? parent : file.toAbsolutePath();
    }

    /** Builds a {@link ManifestSource}. */
    public static final class Builder {
        private Path path;
        private AdapterOptions options = AdapterOptions.defaults();
        private Router router;
        private RouteCompiler compiler;
        private Duration debounce = DEFAULT_DEBOUNCE;
        private Duration emptyFileGrace = DEFAULT_EMPTY_FILE_GRACE;
        private LongSupplier nanoTime = System::nanoTime;

        private Builder() {
        }

        /** A manifest file, or a directory of them (required). */
        public Builder path(Path path) {
            this.path = Objects.requireNonNull(path, "path");
            return this;
        }

        /** The class and namespace options; {@link AdapterOptions#defaults()} when not given. */
        public Builder options(AdapterOptions options) {
            this.options = Objects.requireNonNull(options, "options");
            return this;
        }

        /** The router to serve the manifests through (required). */
        public Builder router(Router router) {
            this.router = Objects.requireNonNull(router, "router");
            return this;
        }

        /** The compiler, e.g. to share a {@code Balancers}; by default one of its own. */
        public Builder compiler(RouteCompiler compiler) {
            this.compiler = Objects.requireNonNull(compiler, "compiler");
            return this;
        }

        /** The quiet time after the last change before reading again (default 300 ms). */
        public Builder debounce(Duration debounce) {
            Objects.requireNonNull(debounce, "debounce");
            if (debounce.isNegative()) {
                throw new IllegalArgumentException("debounce must not be negative: " + debounce);
            }
            this.debounce = debounce;
            return this;
        }

        /**
         * How long a file that had objects and is found empty (zero bytes) keeps them while it stays
         * empty (default 5 s): writers such as {@code cat > file}, {@code kubectl get ... > file} and
         * editors saving in place empty the file before they write it. Zero: an empty file loses its
         * objects at once. A file removed, or written with no objects, loses them at once either way.
         */
        public Builder emptyFileGrace(Duration emptyFileGrace) {
            Objects.requireNonNull(emptyFileGrace, "emptyFileGrace");
            if (emptyFileGrace.isNegative()) {
                throw new IllegalArgumentException("emptyFileGrace must not be negative: " + emptyFileGrace);
            }
            this.emptyFileGrace = emptyFileGrace;
            return this;
        }

        /** The clock of {@link #emptyFileGrace(Duration)}, as {@link System#nanoTime()}: for tests. */
        Builder nanoTime(LongSupplier nanoTime) {
            this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
            return this;
        }

        public ManifestSource build() {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(router, "router");
            return new ManifestSource(this);
        }
    }
}
