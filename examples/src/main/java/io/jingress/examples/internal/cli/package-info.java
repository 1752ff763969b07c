/** The command line: flags, their defaults and checks, and the help text. No dependency beyond the JDK. */
package io.jingress.examples.internal.cli;
