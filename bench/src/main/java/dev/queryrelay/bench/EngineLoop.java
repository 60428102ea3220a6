package dev.queryrelay.bench;

import dev.queryrelay.api.QueryOptions;
import dev.queryrelay.api.QuerySnapshot;
import dev.queryrelay.api.StartRequest;
import dev.queryrelay.api.WarehouseConnection;
import dev.queryrelay.mock.MockConnectionProvider;
import dev.queryrelay.registry.QueryListener;
import dev.queryrelay.registry.QueryRegistry;

import ch.qos.logback.classic.Level;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The engine alone, no Kafka: instant mock queries through {@link QueryRegistry}'s public API in a
 * closed loop (OUTSTANDING queries in flight), reporting queries/s and the process's CPU per query
 * after a warm-up of at least 5 s that lasts until the JIT is quiet ({@link JitWatch}, at most
 * 30 s), so that an engine with more code to compile is not measured while it is still being
 * compiled. It uses only API that the engine has had since its first version, so the
 * same file compiles against an older registry to compare engines (docs/performance.md):
 *
 * <pre>
 * java -cp bench/target/classes:$(cat bench/target/classpath.txt) dev.queryrelay.bench.EngineLoop [OUTSTANDING=1000] [SECONDS=15]
 * </pre>
 */
public final class EngineLoop {

    private EngineLoop() {
    }

    public static void main(String[] args) throws Exception {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
        int outstanding = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        WarehouseConnection connection = new MockConnectionProvider().connect(Map.of());
        Semaphore window = new Semaphore(outstanding);
        AtomicLong done = new AtomicLong();
        QueryRegistry registry = QueryRegistry.builder(connection).listener(new QueryListener() {
            @Override
            public void onTransition(QuerySnapshot snapshot) {
                if (snapshot.status().isTerminal()) {
                    done.incrementAndGet();
                    window.release();
                }
            }
        }).maxFinished(10_000).build();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long startedAt = System.nanoTime();
        JitWatch.Warmup warmingUp = new JitWatch(List.of(ProcessHandle.current().pid()))
                .warmup(startedAt, Duration.ofSeconds(5));
        long endAt = Long.MAX_VALUE;
        long doneBefore = 0;
        long cpuBefore = 0;
        boolean measuring = false;
        for (long id = 0; ; id++) {
            long now = System.nanoTime();
            if (!measuring && warmingUp.over(now)) {
                measuring = true;
                doneBefore = done.get();
                cpuBefore = os.getProcessCpuTime();
                endAt = now + seconds * 1_000_000_000L;
                System.out.printf("warm-up: %.0f s%n", (now - startedAt) / 1e9);
            }
            if (now >= endAt) {
                break;
            }
            window.acquire();
            registry.submit(new StartRequest("q" + id, "SELECT 1", List.of(), QueryOptions.DEFAULTS, Map.of()));
        }
        long queries = done.get() - doneBefore;
        double cpuMicros = (os.getProcessCpuTime() - cpuBefore) / 1e3 / queries;
        System.out.printf("engine alone: %,.0f queries/s, %.1f µs CPU/query (%d in flight, %d s)%n",
                queries / (double) seconds, cpuMicros, outstanding, seconds);
        registry.close();
    }
}
