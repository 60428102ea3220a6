package dev.queryrelay.worker;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** Counts failed sends so that they surface (ERROR logs, the send_failures metric) and block offset commits. */
final class SendFailures {

    private static final Logger log = LoggerFactory.getLogger(SendFailures.class);

    private final AtomicLong total = new AtomicLong();
    private final AtomicReference<String> last = new AtomicReference<>();

    void record(String what, String topic, String key, Exception error) {
        total.incrementAndGet();
        last.set(what + " to " + topic + ": " + error);
        log.error("failed to publish {} for {} to {}: {}", what, key, topic, error.toString());
    }

    long total() {
        return total.get();
    }

    String last() {
        return last.get();
    }
}
