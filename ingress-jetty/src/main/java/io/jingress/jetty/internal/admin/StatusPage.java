package io.jingress.jetty.internal.admin;

/** {@code /status}: the counters of nginx's {@code stub_status}, in its exact text format. */
final class StatusPage {
    private StatusPage() {
    }

    static String render(ProxyMetrics metrics) {
        long active = metrics.activeConnections();
        long reading = metrics.readingConnections();
        long writing = metrics.writingConnections();
        long waiting = Math.max(0, active - reading - writing);
        // nginx's trailing spaces are part of the format; scripts written for it split on them.
        return "Active connections: " + active + " \n"
                + "server accepts handled requests\n"
                + " " + metrics.acceptedConnections() + " " + metrics.handledConnections() + " "
                + metrics.clientRequests() + " \n"
                + "Reading: " + reading + " Writing: " + writing + " Waiting: " + waiting + " \n";
    }
}
