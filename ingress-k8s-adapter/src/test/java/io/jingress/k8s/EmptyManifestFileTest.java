package io.jingress.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.jingress.core.route.NoMatch;
import io.jingress.core.route.Route;
import io.jingress.core.route.Router;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A manifest file found empty: {@code cat > file} and {@code kubectl get ... > file} truncate it
 * and write it later, so its routes keep serving while it stays empty, up to the grace time.
 */
class EmptyManifestFileTest {

    private static final Duration GRACE = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private final Router router = Router.create();
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private ManifestSource source;
    private Path ingress;
    private String ingressYaml;

    @BeforeEach
    void writeKubia() throws IOException {
        for (String name : List.of("service.yaml", "ingress.yaml", "endpointslice.yaml")) {
            Files.writeString(dir.resolve(name), ManifestSourceTest.resource("kubia/" + name));
        }
        ingress = dir.resolve("ingress.yaml");
        ingressYaml = Files.readString(ingress);
    }

    @AfterEach
    void closeSource() {
        if (source != null) {
            source.close();
        }
    }

    /** A source on a fake clock whose watch never reloads by itself within a test. */
    private void startOnFakeClock(Path path) {
        source = ManifestSource.builder().path(path).router(router).debounce(Duration.ofHours(1))
                .emptyFileGrace(GRACE).nanoTime(nanos::get).build().start();
    }

    private void advance(Duration duration) {
        nanos.addAndGet(duration.toNanos());
    }

    private boolean served() {
        return router.current().match("myapp.kubia.com", "/") instanceof Route;
    }

    @Test
    void fileTruncatedAndWrittenSecondsLaterServesThroughout() throws IOException {
        startOnFakeClock(dir);
        long swaps = router.swapCount();

        Files.writeString(ingress, "");
        source.reload();
        assertInstanceOf(Route.class, router.current().match("myapp.kubia.com", "/"), "kept while the file is empty");
        advance(GRACE.minusMillis(1));
        source.reload();
        assertInstanceOf(Route.class, router.current().match("myapp.kubia.com", "/"), "kept up to the grace time");
        Files.writeString(ingress, ingressYaml);
        source.reload();

        assertInstanceOf(Route.class, router.current().match("myapp.kubia.com", "/"));
        assertEquals(swaps, router.swapCount(), "no table without the file's routes was ever served");
        assertEquals(List.of(), source.problems());
    }

    @Test
    void fileThatStaysEmptyLosesItsRoutesAfterTheGraceTime() throws IOException {
        startOnFakeClock(dir);

        Files.writeString(ingress, "");
        source.reload();
        advance(GRACE);
        source.reload();

        assertEquals(NoMatch.NO_HOST, router.current().match("myapp.kubia.com", "/"));
    }

    @Test
    void graceTimeRunsFromWhenTheFileWasFirstFoundEmpty() throws IOException {
        startOnFakeClock(dir);

        Files.writeString(ingress, "");
        source.reload();
        advance(GRACE.dividedBy(2));
        Files.writeString(dir.resolve("other.yaml"), "# another file changes meanwhile\n");
        source.reload();
        advance(GRACE.dividedBy(2));
        source.reload();

        assertEquals(NoMatch.NO_HOST, router.current().match("myapp.kubia.com", "/"));
    }

    @Test
    void singleFileGivenAsThePathIsHeldTheSameWay() throws IOException {
        Path file = dir.resolve("sub").resolve("kubia-all.yaml");
        Files.createDirectory(file.getParent());
        Files.writeString(file, ManifestSourceTest.resource("kubia-all.yaml"));
        startOnFakeClock(file);

        Files.writeString(file, "");
        source.reload();
        assertInstanceOf(Route.class, router.current().match("myapp.kubia.com", "/"));
        advance(GRACE);
        source.reload();

        assertEquals(NoMatch.NO_HOST, router.current().match("myapp.kubia.com", "/"));
    }

    @Test
    void fileWrittenWithNoObjectsOnPurposeLosesItsRoutesAtOnce() throws IOException {
        startOnFakeClock(dir);

        Files.writeString(ingress, "# moved to another controller\n");
        source.reload();

        assertEquals(NoMatch.NO_HOST, router.current().match("myapp.kubia.com", "/"));
    }

    @Test
    void fileRemovedLosesItsRoutesAtOnce() throws IOException {
        startOnFakeClock(dir);
        Files.writeString(ingress, "");
        source.reload();

        Files.delete(ingress);
        source.reload();

        assertEquals(NoMatch.NO_HOST, router.current().match("myapp.kubia.com", "/"));
    }

    @Test
    void fileThatStaysEmptyLosesItsRoutesWithNoFurtherChangeToTheFiles() throws IOException {
        source = ManifestSource.builder().path(dir).router(router).debounce(Duration.ofMillis(50))
                .emptyFileGrace(Duration.ofMillis(300)).build().start();

        Files.writeString(ingress, "");

        Await.until("the routes of the empty file removed", () -> !served());
    }

    @Test
    void graceTimeOfZeroDropsAnEmptyFilesRoutesAtOnce() throws IOException {
        source = ManifestSource.builder().path(dir).router(router).debounce(Duration.ofHours(1))
                .emptyFileGrace(Duration.ZERO).nanoTime(nanos::get).build().start();

        Files.writeString(ingress, "");
        source.reload();

        assertEquals(NoMatch.NO_HOST, router.current().match("myapp.kubia.com", "/"));
    }
}
