package dev.queryrelay.bench;

/**
 * A fixed-rate run: latency of the commands scheduled in the measuring window, counted from
 * each command's scheduled send time (so a late load generator counts against the result, never
 * for it), and how late the load generator was at most. {@code overloaded} when the subject fell
 * so far behind that the run was stopped early (its latency is then that of a growing queue).
 */
record FixedRateRun(double rate, LatencySummary latency, double maxSendLagMs, boolean overloaded, long sent,
                    String cpu) {

    String format() {
        return latency.format() + (overloaded ? String.format(java.util.Locale.ROOT,
                "; OVERLOADED: could not keep up with %,.0f/s, stopped after %,d commands", rate, sent) : "");
    }
}
