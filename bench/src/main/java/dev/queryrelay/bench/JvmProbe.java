package dev.queryrelay.bench;

import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Looks into another JVM: live heap (by a full GC, with jcmd), thread count, and its GC log. */
final class JvmProbe {

    private static final Pattern HISTOGRAM_TOTAL = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)\\s*$");
    private static final Pattern GC_PAUSE = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

    private JvmProbe() {
    }

    /**
     * The bytes of live objects in the JVM: {@code jcmd GC.class_histogram} runs a full GC and
     * counts what survives in the same safepoint, so allocation going on meanwhile is not counted.
     */
    static long liveHeapBytes(long pid) {
        return histogramTotal(jcmd(pid, "GC.class_histogram"));
    }

    /** The number of threads of the process (all of them: Java, GC, compiler), from /proc. */
    static int threads(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("Threads:")) {
                    return Integer.parseInt(line.substring("Threads:".length()).trim());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no Threads line in /proc/" + pid + "/status");
    }

    /** Lines in a GC log so far, to read only what comes after with {@link #gcPeaks}. */
    static int gcLogLines(Path log) {
        try {
            return Files.exists(log) ? Files.readAllLines(log).size() : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The largest heap before and after a GC pause among the GC log lines after {@code skip}. */
    static GcPeaks gcPeaks(Path log, int skip) {
        try {
            List<String> lines = Files.readAllLines(log);
            long before = 0;
            long after = 0;
            int pauses = 0;
            for (String line : lines.subList(Math.min(skip, lines.size()), lines.size())) {
                Matcher matcher = GC_PAUSE.matcher(line);
                if (matcher.find()) {
                    pauses++;
                    before = Math.max(before, Long.parseLong(matcher.group(1)));
                    after = Math.max(after, Long.parseLong(matcher.group(2)));
                }
            }
            return new GcPeaks(pauses, before, after);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Heap figures from a GC log, in MiB. */
    record GcPeaks(int pauses, long maxBeforeMb, long maxAfterMb) {
    }

    /** Samples a process's thread count in the background and keeps the largest. */
    static final class ThreadSampler implements AutoCloseable {
        private final AtomicInteger max = new AtomicInteger();
        private final Thread thread;
        private volatile boolean running = true;

        ThreadSampler(long pid) {
            thread = new Thread(() -> {
                while (running) {
                    try {
                        max.accumulateAndGet(threads(pid), Math::max);
                        Thread.sleep(250);
                    } catch (InterruptedException e) {
                        return;
                    } catch (RuntimeException e) {
                        return;
                    }
                }
            }, "bench-thread-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        int max() {
            return max.get();
        }

        @Override
        public void close() {
            running = false;
            thread.interrupt();
        }
    }

    /**
     * Measures a process's live heap back to back in the background, keeping the largest and the
     * number of samples. It attaches once (JMX through the local management agent) and asks the
     * {@code DiagnosticCommand} MBean for a class histogram each time: a full GC and the live bytes
     * in one safepoint, some tens of milliseconds on a small heap, so that even a query of half a
     * second is sampled several times. Each sample pauses the process for a full GC.
     */
    static final class LiveHeapSampler implements AutoCloseable {
        private final AtomicLong max = new AtomicLong();
        private final AtomicInteger samples = new AtomicInteger();
        private final AtomicInteger skipped = new AtomicInteger();
        private volatile String largestHistogram = "";
        private final JMXConnector connector;
        private final Thread thread;
        private volatile boolean running = true;

        LiveHeapSampler(long pid) {
            try {
                VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
                String address;
                try {
                    address = vm.startLocalManagementAgent();
                } finally {
                    vm.detach();
                }
                connector = JMXConnectorFactory.connect(new JMXServiceURL(address));
            } catch (AttachNotSupportedException | IOException e) {
                throw new IllegalStateException("cannot attach to process " + pid + ": " + e, e);
            }
            thread = new Thread(this::sample, "bench-heap-sampler");
            thread.setDaemon(true);
        }

        /** Starts sampling; call once the connection cost is paid, just before the work to watch. */
        LiveHeapSampler start() {
            thread.start();
            return this;
        }

        private void sample() {
            try {
                MBeanServerConnection server = connector.getMBeanServerConnection();
                ObjectName diagnostics = new ObjectName("com.sun.management:type=DiagnosticCommand");
                while (running) {
                    long fullGcs = fullGcCount(server);
                    String histogram = (String) server.invoke(diagnostics, "gcClassHistogram",
                            new Object[] {new String[0]}, new String[] {String[].class.getName()});
                    if (running && fullGcCount(server) == fullGcs) {
                        skipped.incrementAndGet();
                    } else if (running) {
                        long total = histogramTotal(histogram);
                        if (total > max.get()) {
                            max.set(total);
                            largestHistogram = histogram;
                        }
                        samples.incrementAndGet();
                    }
                }
            } catch (Exception e) {
                if (running) {
                    System.out.println("    heap sampler stopped: " + e);
                }
            }
        }

        long maxBytes() {
            return max.get();
        }

        int samples() {
            return samples.get();
        }

        /**
         * Samples left out because the JVM skipped the histogram's full GC (it does when a thread
         * holds the GC locker in a JNI critical section, such as lz4-java's compression, and then
         * counts dead objects too: "GC locker is held; pre-dump GC was skipped" in its GC log).
         */
        int skipped() {
            return skipped.get();
        }

        /** The full (old generation) collections the process has run, as its GC MXBeans count them. */
        private static long fullGcCount(MBeanServerConnection server) throws Exception {
            long count = 0;
            for (ObjectName gc : server.queryNames(new ObjectName("java.lang:type=GarbageCollector,*"), null)) {
                String name = gc.getKeyProperty("name");
                if (name.contains("Old") || name.contains("MarkSweep")) {
                    count += (Long) server.getAttribute(gc, "CollectionCount");
                }
            }
            return count;
        }

        /** The class histogram of the largest sample, to see what it held. */
        String largestHistogram() {
            return largestHistogram;
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(120_000);
            try {
                connector.close();
            } catch (IOException e) {
                // the process may be gone already
            }
        }
    }

    private static long histogramTotal(String histogram) {
        Matcher matcher = HISTOGRAM_TOTAL.matcher(histogram);
        if (!matcher.find()) {
            throw new IllegalStateException("no Total line in a class histogram: "
                    + histogram.substring(0, Math.min(500, histogram.length())));
        }
        return Long.parseLong(matcher.group(1));
    }

    static String jcmd(long pid, String command) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command)
                    .redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("jcmd " + pid + " " + command + " failed: " + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
