package dev.queryrelay.worker;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The outbox's inbox: items in order, and an owner waiting for one is woken by the next, whoever adds it. */
class InboxTest {

    private final Inbox<String> inbox = new Inbox<>();

    @Test
    void itemsComeOutInTheOrderTheyWentIn() {
        inbox.add("a");
        inbox.add("b");
        assertEquals("a", inbox.poll(1, TimeUnit.HOURS));
        assertEquals("b", inbox.poll());
        assertNull(inbox.poll());
        assertNull(inbox.poll(0, TimeUnit.HOURS), "no wait without a timeout");
    }

    @Test
    void anOwnerWaitingForAnItemIsWokenByIt() {
        Thread[] owner = new Thread[1];
        CompletableFuture<String> taken = CompletableFuture.supplyAsync(() -> {
            owner[0] = Thread.currentThread();
            String item = inbox.poll(1, TimeUnit.HOURS);
            while (item == null) { // a wait may end spuriously
                item = inbox.poll(1, TimeUnit.HOURS);
            }
            return item;
        });
        await("the owner waits").atMost(Duration.ofSeconds(30))
                .until(() -> owner[0] != null && owner[0].getState() == Thread.State.TIMED_WAITING);
        inbox.add("wake up");
        assertEquals("wake up", taken.join());
    }

    @Test
    void anOwnerIsNeverLeftAsleepWithAnItemWaiting() throws Exception {
        int adders = 2;
        int rounds = 20_000;
        AtomicInteger taken = new AtomicInteger();
        CompletableFuture<Void> owner = CompletableFuture.runAsync(() -> {
            while (taken.get() < adders * rounds) {
                // an hour's wait: a wake-up lost while an item waits holds the owner past the test's bound
                if (inbox.poll(1, TimeUnit.HOURS) != null) {
                    taken.incrementAndGet();
                }
            }
        });
        ExecutorService pool = Executors.newFixedThreadPool(adders);
        try {
            for (int a = 0; a < adders; a++) {
                pool.execute(() -> {
                    for (int i = 0; i < rounds; i++) {
                        int before = taken.get();
                        inbox.add("item");
                        // each item is the last one for a moment: only its own wake-up can end the owner's wait
                        for (int spins = 0; taken.get() == before && !Thread.currentThread().isInterrupted(); spins++) {
                            if (spins < 1_000) {
                                Thread.onSpinWait();
                            } else {
                                Thread.yield();
                            }
                        }
                    }
                });
            }
            owner.get(60, TimeUnit.SECONDS);
            assertEquals(adders * rounds, taken.get());
        } finally {
            pool.shutdownNow();
        }
    }
}
