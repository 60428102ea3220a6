package dev.queryrelay.registry;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SerialEventsTest {

    private final SerialEvents events = new SerialEvents();

    @Test
    void eventsAddedFromManyThreadsAreDeliveredOneAtATimeEachThreadsInItsOrder() throws InterruptedException {
        int threads = 4;
        int perThread = 2_000;
        AtomicInteger running = new AtomicInteger();
        AtomicBoolean overlapped = new AtomicBoolean();
        List<String> delivered = new CopyOnWriteArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> adders = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            adders.add(new Thread(() -> {
                awaitQuietly(start);
                for (int i = 0; i < perThread; i++) {
                    String name = thread + ":" + i;
                    events.add(() -> {
                        if (running.incrementAndGet() != 1) {
                            overlapped.set(true);
                        }
                        delivered.add(name);
                        running.decrementAndGet();
                    });
                    events.deliver();
                }
            }));
        }
        adders.forEach(Thread::start);
        start.countDown();
        for (Thread adder : adders) {
            adder.join(TestEngine.WAIT.toMillis());
        }
        assertEquals(threads * perThread, delivered.size(), "every event delivered, none stranded");
        assertFalse(overlapped.get(), "never two events at once");
        for (int t = 0; t < threads; t++) {
            String prefix = t + ":";
            List<String> own = delivered.stream().filter(name -> name.startsWith(prefix)).toList();
            for (int i = 0; i < perThread; i++) {
                assertEquals(prefix + i, own.get(i));
            }
        }
    }

    @Test
    void flushWaitsForTheEventsQueuedBeforeIt() throws InterruptedException {
        CountDownLatch inEvent = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean done = new AtomicBoolean();
        events.add(() -> {
            inEvent.countDown();
            awaitQuietly(release);
            done.set(true);
        });
        Thread deliverer = new Thread(events::deliver);
        deliverer.start();
        assertTrue(inEvent.await(60, TimeUnit.SECONDS));
        AtomicBoolean doneWhenFlushed = new AtomicBoolean();
        Thread flusher = new Thread(() -> doneWhenFlushed.set(events.flush(TestEngine.WAIT) && done.get()));
        flusher.start();
        release.countDown();
        flusher.join(TestEngine.WAIT.toMillis());
        deliverer.join(TestEngine.WAIT.toMillis());
        assertTrue(doneWhenFlushed.get(), "flush returned after the event before it");
        assertTrue(events.flush(Duration.ofSeconds(1)), "an idle queue flushes at once");
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
