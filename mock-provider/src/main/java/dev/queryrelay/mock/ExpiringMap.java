package dev.queryrelay.mock;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A concurrent map whose entries expire a fixed time after they were added and that drops its
 * oldest entries beyond a capacity. Reads take no lock; adds (rare here) take one.
 */
final class ExpiringMap<V> {

    private record Entry<V>(String key, V value, long addedAt) {
    }

    private final ConcurrentHashMap<String, Entry<V>> entries = new ConcurrentHashMap<>();
    private final ArrayDeque<Entry<V>> order = new ArrayDeque<>(); // guarded by this
    private final int capacity;
    private final long ttlMillis;

    ExpiringMap(int capacity, long ttlMillis) {
        if (capacity < 1 || ttlMillis < 1) {
            throw new IllegalArgumentException("capacity and ttl must be positive");
        }
        this.capacity = capacity;
        this.ttlMillis = ttlMillis;
    }

    /** The live value for {@code key} at time {@code now}, or {@code null}. */
    V get(String key, long now) {
        Entry<V> entry = entries.get(key);
        return entry != null && now - entry.addedAt() < ttlMillis ? entry.value() : null;
    }

    /** The live value for {@code key}, adding the one {@code factory} makes when there is none. */
    V computeIfAbsent(String key, long now, Supplier<V> factory) {
        V value = get(key, now);
        if (value != null) {
            return value;
        }
        synchronized (this) {
            value = get(key, now);
            if (value != null) {
                return value;
            }
            evict(now);
            Entry<V> entry = new Entry<>(key, Objects.requireNonNull(factory.get(), "value"), now);
            entries.put(key, entry);
            order.addLast(entry);
            return entry.value();
        }
    }

    /** The number of entries held, live or not yet evicted. */
    int size() {
        return entries.size();
    }

    private void evict(long now) {
        Entry<V> oldest;
        while ((oldest = order.peekFirst()) != null
                && (order.size() >= capacity || now - oldest.addedAt() >= ttlMillis)) {
            order.pollFirst();
            entries.remove(oldest.key(), oldest);
        }
    }
}
