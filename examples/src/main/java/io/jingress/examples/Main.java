package io.jingress.examples;

import io.jingress.examples.internal.cli.Command;
import io.jingress.examples.internal.cli.CommandLine;
import io.jingress.examples.internal.cli.UsageException;
import io.jingress.examples.internal.run.Explain;
import io.jingress.examples.internal.run.Launcher;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar jingress.jar}: the kubia walkthrough without arguments, file mode with
 * {@code --manifests PATH}, cluster mode with {@code --kubeconfig PATH} or {@code --in-cluster}.
 * {@code --help} lists every flag. Exit codes: 0 after SIGTERM or Ctrl-C (requests in flight are
 * drained first), 1 when it cannot start or keep running, 2 for a bad command line.
 *
 * <p>Tests and applications start it in-process with {@link #start(String...)}:
 *
 * <pre>{@code
 * try (Jingress demo = Main.start("--http-port", "0", "--admin-port", "0")) {
 *     // curl -H 'Host: myapp.kubia.com' localhost:<demo.httpPort()>
 * }
 * }</pre>
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        Command command;
        try {
            command = CommandLine.parse(args);
            if (command instanceof Command.Help) {
                System.out.print(CommandLine.usage());
                return;
            }
            if (command instanceof Command.Version) {
                System.out.println("jingress " + version());
                return;
            }
            if (command instanceof Command.Explain explain) {
                System.out.print(Explain.text(explain.options(), explain.url()));
                return;
            }
        } catch (UsageException e) {
            System.err.println("jingress: " + e.getMessage());
            System.exit(UsageException.EXIT_CODE);
            return;
        } catch (StartException e) {
            System.err.println("jingress: " + e.getMessage());
            System.exit(e.exitCode());
            return;
        }
        // The hook is in place before anything starts: SIGTERM while starting (a Pod deleted at
        // once, Ctrl-C while the API server is awaited) undoes what was started, the demo's
        // temporary directory included, and exits 0 as a stop does.
        Stopper stopper = new Stopper(Thread.currentThread());
        Runtime.getRuntime().addShutdownHook(new Thread(stopper::stop, "jingress-shutdown"));
        Jingress jingress;
        try {
            jingress = start(System.out, args);
        } catch (StartException e) {
            if (stopper.failed()) {
                System.err.println("jingress: " + e.getMessage());
                System.exit(e.exitCode());
            }
            return;  // stopped while starting: the hook ends the JVM
        }
        stopper.started(jingress);
        try {
            jingress.awaitClosed();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What the shutdown hook stops: the running server, or the start in progress. */
    private static final class Stopper {
        private final Thread starting;
        private final CountDownLatch startEnded = new CountDownLatch(1);
        private Jingress jingress;
        private boolean stopping;
        private boolean failed;

        Stopper(Thread starting) {
            this.starting = starting;
        }

        synchronized void started(Jingress jingress) {
            this.jingress = jingress;
            startEnded.countDown();
        }

        /** Whether the start failed on its own (not stopped): then main exits with its code, the hook does nothing. */
        synchronized boolean failed() {
            failed = !stopping;
            startEnded.countDown();
            return failed;
        }

        void stop() {
            synchronized (this) {
                if (failed) {
                    return;
                }
                stopping = true;
                if (jingress == null) {
                    LoggerFactory.getLogger(Main.class).info("stopping while starting: undoing what was started");
                    starting.interrupt();  // Launcher undoes what it started when interrupted
                }
            }
            try {
                startEnded.await(STOP_WHILE_STARTING.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Jingress started;
            synchronized (this) {
                started = jingress;
            }
            if (started != null) {
                started.close();
            }
            // SIGTERM and Ctrl-C end in an orderly stop: say so with 0 rather than the JVM's 143/130.
            Runtime.getRuntime().halt(0);
        }
    }

    /** How long SIGTERM during a start waits for the start to give up or finish. */
    private static final Duration STOP_WHILE_STARTING = Duration.ofSeconds(20);

    /**
     * Starts Jingress as the command line {@code args} says and returns once it serves.
     *
     * @throws StartException when the command line is bad (exit code 2) or it cannot start (1)
     */
    public static Jingress start(String... args) throws StartException {
        return start(System.out, args);
    }

    /** {@link #start(String...)}, printing the demo's banner to {@code console}. */
    static Jingress start(PrintStream console, String... args) throws StartException {
        Command command;
        try {
            command = CommandLine.parse(args);
        } catch (UsageException e) {
            throw new StartException(e.getMessage(), UsageException.EXIT_CODE, e);
        }
        if (!(command instanceof Command.Run run)) {
            throw new StartException("--help, --version and --explain do not start anything",
                    UsageException.EXIT_CODE, null);
        }
        return new Jingress(Launcher.launch(run.options(), console));
    }

    /** The version of this build, from the jar. */
    static String version() {
        Properties properties = new Properties();
        try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            return "unknown";
        }
        return properties.getProperty("version", "unknown");
    }
}
