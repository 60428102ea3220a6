package dev.queryrelay.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Tells a warm-up when the JIT compilers of some processes are quiet: the CPU their compiler
 * threads ({@code C1/C2 CompilerThread}, from {@code /proc/PID/task}) spent between two looks,
 * counted per thread, so that a compiler thread HotSpot stops or starts meanwhile does not distort
 * the sum. A measuring window that starts while hot code is still being compiled counts the
 * compiler's CPU and not yet compiled code against the subject, which a long-running process does
 * not pay (docs/performance.md, "How it measures").
 */
final class JitWatch {

    /** How far apart the looks are, once the warm-up's minimum has passed. */
    static final Duration LOOK_EVERY = Duration.ofSeconds(2);
    /** Compiler CPU between two looks, all processes together, that counts as quiet (5% of a core). */
    static final Duration QUIET = Duration.ofMillis(100);
    /** The longest warm-up, as a multiple of its minimum. */
    static final int MAX_WARMUP_FACTOR = 6;

    private final List<Long> pids;
    private Map<String, Long> last;

    JitWatch(Collection<Long> pids) {
        this.pids = List.copyOf(pids);
        this.last = compilerTicks();
    }

    /** Whether the compilers spent at most {@link #QUIET} since the previous look (or since this watch began). */
    boolean quietSinceLastLook() {
        Map<String, Long> now = compilerTicks();
        long ticks = 0;
        for (Map.Entry<String, Long> thread : now.entrySet()) {
            ticks += Math.max(0, thread.getValue() - last.getOrDefault(thread.getKey(), 0L));
        }
        last = now;
        return ticks / CpuMeter.TICKS_PER_SECOND * 1_000 <= QUIET.toMillis();
    }

    /**
     * A warm-up that lasts {@code minimum} and then until this watch finds the compilers quiet
     * between two looks {@link #LOOK_EVERY} apart, at most {@link #MAX_WARMUP_FACTOR} times
     * {@code minimum}; {@code startNanos} is when it began ({@link System#nanoTime()}).
     */
    Warmup warmup(long startNanos, Duration minimum) {
        return new Warmup(startNanos, minimum.toNanos());
    }

    /** The state of one warm-up; see {@link #warmup}. */
    final class Warmup {
        private final long start;
        private final long longest;
        private long lookAt;
        private boolean baselined;

        private Warmup(long start, long minimum) {
            this.start = start;
            this.longest = minimum * MAX_WARMUP_FACTOR;
            this.lookAt = start + Math.max(0, minimum - LOOK_EVERY.toNanos());
        }

        /** Whether the warm-up is over at {@code now}; looks at the compilers when a look is due. */
        boolean over(long now) {
            if (now < lookAt) {
                return false;
            }
            boolean quiet = quietSinceLastLook();
            if (baselined && (quiet || now - start >= longest)) {
                return true;
            }
            baselined = true;
            lookAt = now + LOOK_EVERY.toNanos();
            return false;
        }
    }

    /** CPU ticks so far of every compiler thread, by "pid/tid". */
    private Map<String, Long> compilerTicks() {
        Map<String, Long> ticks = new HashMap<>();
        for (long pid : pids) {
            try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
                for (Path task : tasks) {
                    String stat;
                    try {
                        stat = Files.readString(task.resolve("stat"));
                    } catch (IOException e) {
                        continue; // the thread ended meanwhile
                    }
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
                        ticks.put(pid + "/" + task.getFileName(), CpuMeter.ticksOf(stat));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the threads of process " + pid, e);
            }
        }
        return ticks;
    }
}
