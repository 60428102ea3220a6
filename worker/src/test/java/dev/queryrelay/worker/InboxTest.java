package dev.queryrelay.worker;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The outbox's inbox: items in order, and an owner waiting for one is woken by the next. */
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
}
