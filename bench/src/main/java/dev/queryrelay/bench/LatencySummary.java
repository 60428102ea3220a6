package dev.queryrelay.bench;

import org.HdrHistogram.Histogram;

import java.util.Locale;

/** Percentiles of one latency measurement, in milliseconds. */
record LatencySummary(long count, double p50, double p99, double p999, double max) {

    static final LatencySummary EMPTY = new LatencySummary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

    /** From a histogram of microseconds. */
    static LatencySummary of(Histogram micros) {
        if (micros.getTotalCount() == 0) {
            return EMPTY;
        }
        return new LatencySummary(micros.getTotalCount(), ms(micros.getValueAtPercentile(50)),
                ms(micros.getValueAtPercentile(99)), ms(micros.getValueAtPercentile(99.9)), ms(micros.getMaxValue()));
    }

    private static double ms(long micros) {
        return micros / 1000.0;
    }

    String format() {
        if (count == 0) {
            return "no command in the measuring window";
        }
        return String.format(Locale.ROOT, "p50 %.1f / p99 %.1f / p99.9 %.1f ms (max %.1f, n=%,d)", p50, p99, p999, max,
                count);
    }
}
