package dev.queryrelay.registry;

import java.time.Duration;
import java.util.Objects;

/**
 * The end of a wait budget shared by several steps (a shutdown's), on the {@link System#nanoTime}
 * line: each step waits at most what {@link #remaining} says. A budget longer than a century counts
 * as a century, so that no arithmetic overflows.
 */
public record Deadline(long atNanos) {

    private static final Duration LONGEST = Duration.ofDays(36_500);

    /** The deadline {@code wait} from now (a negative wait: now). */
    public static Deadline in(Duration wait) {
        Objects.requireNonNull(wait, "wait");
        Duration bounded = wait.isNegative() ? Duration.ZERO : wait.compareTo(LONGEST) > 0 ? LONGEST : wait;
        return new Deadline(System.nanoTime() + bounded.toNanos());
    }

    /** What is left of the budget, zero once it has passed. */
    public Duration remaining() {
        return Duration.ofNanos(Math.max(0, atNanos - System.nanoTime()));
    }
}
