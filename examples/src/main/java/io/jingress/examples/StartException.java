package io.jingress.examples;

/**
 * Jingress could not start: the message is one line for a person (it names the flag and value at
 * fault, e.g. {@code --http-port 30880: address already in use}), and {@link #exitCode()} is what
 * the process exits with: 2 for a bad command line, 1 for anything else.
 */
public final class StartException extends Exception {

    private final int exitCode;

    public StartException(String message, int exitCode, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** 2 for a bad command line, 1 when a good one could not be run. */
    public int exitCode() {
        return exitCode;
    }
}
