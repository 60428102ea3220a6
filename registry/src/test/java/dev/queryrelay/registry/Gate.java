package dev.queryrelay.registry;

import dev.queryrelay.api.QueryRelayException;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where a scripted warehouse call blocks until the test opens it: counts the calls that reached
 * it and the interrupts they got. An interrupt ends the wait with a network error, unless the
 * gate ignores interrupts (like a driver that does not react to them).
 */
final class Gate {

    private final CountDownLatch open = new CountDownLatch(1);
    private final boolean ignoreInterrupts;
    final AtomicInteger entered = new AtomicInteger();
    final AtomicInteger interrupted = new AtomicInteger();

    Gate(boolean ignoreInterrupts) {
        this.ignoreInterrupts = ignoreInterrupts;
    }

    void open() {
        open.countDown();
    }

    void pass() {
        entered.incrementAndGet();
        while (true) {
            try {
                if (!open.await(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the test never opened the gate");
                }
                return;
            } catch (InterruptedException e) {
                interrupted.incrementAndGet();
                if (!ignoreInterrupts) {
                    throw QueryRelayException.network("interrupted while blocked", e);
                }
            }
        }
    }
}
