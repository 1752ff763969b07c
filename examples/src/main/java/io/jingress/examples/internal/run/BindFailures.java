package io.jingress.examples.internal.run;

import io.jingress.examples.internal.cli.Options;
import java.net.BindException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns a listener that could not bind into one line naming the flag: {@code --http-port 30880: address already in use}. */
final class BindFailures {

    // Jetty: "Failed to bind to 0.0.0.0/0.0.0.0:30880"
    private static final Pattern PORT = Pattern.compile(":(\\d{1,5})\\D*$");

    private BindFailures() {
    }

    /** The line for a start failure caused by binding, or {@code null} when it was something else. */
    static String describe(Throwable failure, Options options) {
        BindException bind = null;
        String boundTo = null;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t.getMessage() != null && boundTo == null && PORT.matcher(t.getMessage()).find()) {
                boundTo = t.getMessage();
            }
            if (t instanceof BindException b) {
                bind = b;
            }
        }
        if (bind == null) {
            return null;
        }
        String flag = null;
        int port = -1;
        if (boundTo != null) {
            Matcher m = PORT.matcher(boundTo);
            m.find();
            port = Integer.parseInt(m.group(1));
            flag = port == options.httpPort() ? "--http-port"
                    : port == options.httpsPort() ? "--https-port"
                    : port == options.adminPort() ? "--admin-port" : null;
        }
        String reason = bind.getMessage() == null ? "cannot bind" : bind.getMessage().toLowerCase(Locale.ROOT);
        if (reason.contains("cannot assign requested address") && "--admin-port".equals(flag)) {
            return "--admin-address " + options.adminAddress() + ": not an address of this machine";
        }
        if (reason.contains("permission denied")) {
            reason = "permission denied (ports below 1024 need privileges)";
        }
        if (reason.startsWith("address already in use")) {
            reason = "address already in use";
        }
        return flag != null ? flag + " " + port + ": " + reason : "cannot listen: " + reason + " (" + boundTo + ")";
    }
}
