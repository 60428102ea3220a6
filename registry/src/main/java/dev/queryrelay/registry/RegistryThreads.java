package dev.queryrelay.registry;

import org.slf4j.MDC;

import java.util.Map;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Names the registry's threads ({@code prefix-N}), makes them daemons and sets the log context on them. */
final class RegistryThreads implements ThreadFactory {

    private final String prefix;
    private final Map<String, String> logContext;
    private final AtomicInteger counter = new AtomicInteger();

    RegistryThreads(String prefix, Map<String, String> logContext) {
        this.prefix = prefix;
        this.logContext = Map.copyOf(logContext);
    }

    @Override
    public Thread newThread(Runnable task) {
        Runnable withContext = logContext.isEmpty() ? task : () -> {
            MDC.setContextMap(logContext);
            task.run();
        };
        Thread thread = new Thread(withContext, prefix + "-" + counter.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    }
}
