package io.jingress.examples.internal.cli;

import java.util.Objects;

/**
 * One flag of the command line: its name, what its value looks like, its default as the help shows
 * it, and how it changes a {@link Draft}.
 *
 * @param name the flag, with its leading {@code --}
 * @param valueName how the help names the value ({@code PATH}, {@code N}); {@code null} for a switch
 * @param defaultText the default as the help prints it, or {@code null} when there is none to show
 * @param help one line of what it does
 * @param repeatable whether it may be given more than once
 * @param setter applies the value (a switch gets {@code "true"} unless written {@code --flag=false})
 */
record Flag(String name, String valueName, String defaultText, String help, boolean repeatable, Setter setter) {

    /** Applies a flag's value to the draft. */
    @FunctionalInterface
    interface Setter {
        void apply(Draft draft, String value) throws UsageException;
    }

    Flag {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(help, "help");
        Objects.requireNonNull(setter, "setter");
    }

    boolean isSwitch() {
        return valueName == null;
    }

    /** How the help shows it on the left: {@code --http-port N}. */
    String synopsis() {
        return isSwitch() ? name : name + " " + valueName;
    }
}
