package io.jingress.k8s.internal.files;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches one directory and runs an action once things have been quiet for the debounce time after
 * the last relevant event (an editor's save, or a {@code kubectl cp} of many files, is one run).
 * The action runs on one thread of its own, never twice at once. Other directories can be watched
 * too ({@link #alsoWatch}): any change there is relevant.
 */
public final class DebouncedWatcher implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(DebouncedWatcher.class);

    private final Path directory;
    private final Predicate<String> relevantName;
    private final long debounceNanos;
    private final Runnable action;
    private final WatchService watchService;
    private final ScheduledExecutorService scheduler;
    private final Thread watchThread;
    private ScheduledFuture<?> pending;
    private ScheduledFuture<?> recheck;
    /** The keys of the other directories watched, by directory. */
    private final Map<Path, WatchKey> others = new HashMap<>();

    private DebouncedWatcher(Path directory, Predicate<String> relevantName, Duration debounce, Runnable action)
            throws IOException {
        this.directory = directory;
        this.relevantName = relevantName;
        this.debounceNanos = debounce.toNanos();
        this.action = action;
        this.watchService = FileSystems.getDefault().newWatchService();
        directory.register(watchService, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
                StandardWatchEventKinds.ENTRY_MODIFY);
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "jingress-manifests-reload");
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.scheduler = executor;
        this.watchThread = new Thread(this::watch, "jingress-manifests-watch");
        this.watchThread.setDaemon(true);
    }

    /**
     * Starts watching.
     *
     * @param directory the directory to watch
     * @param relevantName which file names (relative to the directory) call for the action
     * @param debounce how long to wait after the last relevant event
     * @param action what to run
     */
    public static DebouncedWatcher start(Path directory, Predicate<String> relevantName, Duration debounce,
            Runnable action) throws IOException {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(relevantName, "relevantName");
        Objects.requireNonNull(debounce, "debounce");
        Objects.requireNonNull(action, "action");
        DebouncedWatcher watcher = new DebouncedWatcher(directory, relevantName, debounce, action);
        watcher.watchThread.start();
        return watcher;
    }

    private void watch() {
        try {
            while (true) {
                WatchKey key = watchService.take();
                boolean other = isOther(key);
                boolean relevant = false;
                for (WatchEvent<?> event : key.pollEvents()) {
                    if (other || event.kind() == StandardWatchEventKinds.OVERFLOW
                            || relevantName.test(String.valueOf(event.context()))) {
                        relevant = true;
                    }
                }
                if (relevant) {
                    schedule();
                }
                if (!key.reset() && !other) {
                    LOG.warn("{}: the directory is gone; the last good configuration keeps serving, "
                            + "but changes are no longer watched", directory);
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ClosedWatchServiceException e) {
            // closed: we are done
        }
    }

    private synchronized boolean isOther(WatchKey key) {
        return others.containsValue(key);
    }

    /**
     * Watches {@code directories} besides the one given at start, instead of those of the last
     * call: any change in them runs the action. One that cannot be watched (gone) is left out.
     */
    public synchronized void alsoWatch(Set<Path> directories) {
        Objects.requireNonNull(directories, "directories");
        for (Map.Entry<Path, WatchKey> entry : List.copyOf(others.entrySet())) {
            if (!directories.contains(entry.getKey())) {
                entry.getValue().cancel();
                others.remove(entry.getKey());
            }
        }
        for (Path other : directories) {
            if (others.containsKey(other) || other.equals(directory)) {
                continue;
            }
            try {
                others.put(other, other.register(watchService, StandardWatchEventKinds.ENTRY_CREATE,
                        StandardWatchEventKinds.ENTRY_DELETE, StandardWatchEventKinds.ENTRY_MODIFY));
            } catch (IOException | ClosedWatchServiceException e) {
                LOG.debug("cannot watch {}", other, e);
            }
        }
    }

    private synchronized void schedule() {
        if (pending != null) {
            pending.cancel(false);
        }
        try {
            pending = scheduler.schedule(this::runAction, debounceNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    /**
     * Runs the action once more after {@code delay} whatever happens to the files meanwhile (a
     * relevant event still runs it after the debounce time too). A later call replaces an earlier one.
     */
    public synchronized void runAgainAfter(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (recheck != null) {
            recheck.cancel(false);
        }
        try {
            recheck = scheduler.schedule(this::runAction, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    private void runAction() {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.error("{}: reload failed; the last good configuration keeps serving", directory, e);
        }
    }

    @Override
    public void close() {
        try {
            watchService.close();
        } catch (IOException e) {
            LOG.debug("closing the watch service of {}", directory, e);
        }
        // not shutdownNow: interrupting a reload mid-read would report the files as unreadable
        scheduler.shutdown();
        try {
            watchThread.join(TimeUnit.SECONDS.toMillis(5));
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
