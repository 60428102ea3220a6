package dev.queryrelay.embedded;

import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.common.utils.Exit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a broker's fatal fault from ending the JVM it is embedded in. Kafka reacts to a fatal
 * fault (e.g. an unreadable log directory) with {@code Exit.halt}, which would end a test JVM
 * without a report; here it becomes a logged exception and a counted fault that
 * {@link EmbeddedKafkaBroker} checks after starting. Installed once per JVM on Kafka's
 * {@link Exit} hooks, which only Kafka's own code uses.
 */
final class FatalFaultGuard {

    private static final Logger LOG = LoggerFactory.getLogger(FatalFaultGuard.class);
    private static final AtomicLong FAULTS = new AtomicLong();
    private static boolean installed;

    private FatalFaultGuard() {
    }

    static synchronized void install() {
        if (installed) {
            return;
        }
        Exit.setHaltProcedure((status, message) -> refuse("halt", status, message));
        Exit.setExitProcedure((status, message) -> refuse("exit", status, message));
        installed = true;
    }

    /** How many times Kafka asked to end the JVM since it started. */
    static long faults() {
        return FAULTS.get();
    }

    private static void refuse(String kind, int status, String message) {
        FAULTS.incrementAndGet();
        LOG.error("Kafka asked to {} the JVM with status {}{}; the embedded broker is kept from doing so "
                + "and is probably unusable (see Kafka's error above)", kind, status,
                message == null ? "" : " (" + message + ")");
        throw new IllegalStateException("Kafka asked to " + kind + " the JVM with status " + status);
    }
}
