package dev.queryrelay.bench;

/**
 * A sustained rate measured in a closed loop: completions per second in the measuring window,
 * with the latency of the commands sent in it (informational: a closed loop at saturation queues)
 * and the CPU each process spent per command in the window (with the warm-up's length).
 */
record Throughput(double perSecond, long completions, double seconds, LatencySummary latency, String cpu) {
}
