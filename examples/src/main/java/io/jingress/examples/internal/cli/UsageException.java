package io.jingress.examples.internal.cli;

/**
 * A command line that cannot be run: an unknown flag, a bad value, or flags that do not go
 * together. The message is the one line the user sees after {@code jingress: }; the process exits
 * with {@link #EXIT_CODE}.
 */
public final class UsageException extends Exception {

    /** The exit code of a bad command line, as with most Unix tools. */
    public static final int EXIT_CODE = 2;

    public UsageException(String message) {
        super(message, null, false, false);
    }
}
