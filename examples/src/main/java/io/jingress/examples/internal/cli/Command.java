package io.jingress.examples.internal.cli;

import java.util.Objects;

/** What a command line asks for: run with options, explain a request, or print the help or the version. */
public sealed interface Command {

    /** Run the router with these options. */
    record Run(Options options) implements Command {
        public Run {
            Objects.requireNonNull(options, "options");
        }
    }

    /** {@code --manifests PATH --explain URL}: say where a GET of {@code url} goes, and exit. */
    record Explain(Options options, String url) implements Command {
        public Explain {
            Objects.requireNonNull(options, "options");
            Objects.requireNonNull(url, "url");
        }
    }

    /** {@code --help}: print the usage and exit 0. */
    record Help() implements Command {
    }

    /** {@code --version}: print the version and exit 0. */
    record Version() implements Command {
    }
}
