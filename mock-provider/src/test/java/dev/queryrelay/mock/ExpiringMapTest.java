package dev.queryrelay.mock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class ExpiringMapTest {

    @Test
    void keepsTheFirstValueForAKey() {
        ExpiringMap<Object> map = new ExpiringMap<>(10, 1000);
        Object first = new Object();

        assertSame(first, map.computeIfAbsent("k", 0, () -> first));
        assertSame(first, map.computeIfAbsent("k", 1, Object::new));
        assertSame(first, map.get("k", 999));
    }

    @Test
    void entriesExpireAfterTheTtl() {
        ExpiringMap<String> map = new ExpiringMap<>(10, 1000);
        map.computeIfAbsent("a", 0, () -> "old");

        assertNull(map.get("a", 1000));
        assertEquals("new", map.computeIfAbsent("a", 1000, () -> "new"));
        map.computeIfAbsent("b", 2000, () -> "b");
        assertEquals("b", map.get("b", 2000));
        assertNull(map.get("a", 2000));
        assertEquals(1, map.size(), "expired entries are evicted on add");
    }

    @Test
    void dropsTheOldestBeyondCapacity() {
        ExpiringMap<Integer> map = new ExpiringMap<>(3, 1_000_000);
        for (int i = 0; i < 5; i++) {
            int value = i;
            map.computeIfAbsent("k" + i, i, () -> value);
        }

        assertEquals(3, map.size());
        assertNull(map.get("k0", 5));
        assertNull(map.get("k1", 5));
        assertEquals(4, map.get("k4", 5));
    }
}
