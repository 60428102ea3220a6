package dev.queryrelay.worker;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** Counts failed sends and aborted transactions so that they surface (logs, the send_failures metric). */
final class SendFailures {

    private static final Logger log = LoggerFactory.getLogger(SendFailures.class);

    private final AtomicLong total = new AtomicLong();
    private final AtomicReference<String> last = new AtomicReference<>();

    /** A transaction was aborted: its records are sent again in the next one, unless their partition moved. */
    void aborted(String why, int records) {
        total.incrementAndGet();
        last.set("transaction aborted: " + why);
        log.warn("transaction aborted: {}; its {} records will be sent again unless their partition moved", why, records);
    }

    long total() {
        return total.get();
    }

    String last() {
        return last.get();
    }
}
