package dev.queryrelay.registry;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeadlinesTest {

    private static final Duration ALLOWANCE = Duration.ofSeconds(5);

    private final ManualTime time = new ManualTime();
    private final Deadlines deadlines = new Deadlines(time, time, ALLOWANCE);
    private final List<String> expired = new CopyOnWriteArrayList<>();

    private Deadlines.Entry entry(String name) {
        return new Deadlines.Entry() {
            @Override
            void expire() {
                expired.add(name);
            }
        };
    }

    @Test
    void callsExpireAtTheirOwnDeadlineInOrderWithOneTimerAtATime() {
        Deadlines.Entry first = entry("first");
        Deadlines.Entry second = entry("second");
        Deadlines.Entry third = entry("third");
        deadlines.add(first);
        time.advance(Duration.ofSeconds(1));
        deadlines.add(second);
        time.advance(Duration.ofSeconds(1));
        deadlines.add(third);
        assertEquals(List.of(Duration.ofSeconds(3)), time.pendingDelays(), "one timer, at the oldest deadline");

        time.advance(Duration.ofMillis(2_999));
        assertTrue(expired.isEmpty());
        time.advance(Duration.ofMillis(1));
        assertEquals(List.of("first"), expired);
        assertEquals(List.of(Duration.ofSeconds(1)), time.pendingDelays(), "armed again for the next deadline");

        time.advance(Duration.ofSeconds(3));
        assertEquals(List.of("first", "second", "third"), expired);
        assertTrue(time.pendingDelays().isEmpty(), "nothing in flight, no timer");
    }

    @Test
    void aCallThatReturnedNeverExpires() {
        Deadlines.Entry returned = entry("returned");
        Deadlines.Entry later = entry("later");
        deadlines.add(returned);
        time.advance(Duration.ofSeconds(2));
        deadlines.add(later);
        deadlines.remove(returned);
        deadlines.remove(returned);

        time.advance(Duration.ofSeconds(3));
        assertEquals(List.of(), expired, "the timer armed for the returned call found nothing due");
        assertEquals(List.of(Duration.ofSeconds(2)), time.pendingDelays(), "armed again for the later call");
        time.advance(Duration.ofSeconds(2));
        assertEquals(List.of("later"), expired);

        Deadlines.Entry next = entry("next");
        deadlines.add(next);
        assertEquals(List.of(ALLOWANCE), time.pendingDelays(), "an empty list arms the timer again");
        deadlines.remove(next);
        time.advance(ALLOWANCE.multipliedBy(2));
        assertEquals(List.of("later"), expired);
    }
}
