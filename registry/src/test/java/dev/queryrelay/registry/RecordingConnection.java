package dev.queryrelay.registry;

import dev.queryrelay.api.ResultCursor;
import dev.queryrelay.api.StartRequest;
import dev.queryrelay.api.WarehouseConnection;
import dev.queryrelay.api.WarehouseStatus;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Wraps a real (mock provider) connection and records the calls the registry makes. */
final class RecordingConnection implements WarehouseConnection {

    final WarehouseConnection delegate;
    final List<String> started = new CopyOnWriteArrayList<>();
    final List<String> canceled = new CopyOnWriteArrayList<>();
    final AtomicInteger statusCalls = new AtomicInteger();
    volatile CountDownLatch startGate;
    volatile boolean reportUnknown;
    volatile boolean closed;

    RecordingConnection(WarehouseConnection delegate) {
        this.delegate = delegate;
    }

    @Override
    public String start(StartRequest request) {
        CountDownLatch gate = startGate;
        if (gate != null) {
            try {
                if (!gate.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("start gate never opened");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        String id = delegate.start(request);
        started.add(id);
        return id;
    }

    @Override
    public WarehouseStatus status(String providerQueryId) {
        statusCalls.incrementAndGet();
        return reportUnknown ? WarehouseStatus.unknown() : delegate.status(providerQueryId);
    }

    @Override
    public ResultCursor results(String providerQueryId) {
        return delegate.results(providerQueryId);
    }

    @Override
    public void cancel(String providerQueryId) {
        canceled.add(providerQueryId);
        delegate.cancel(providerQueryId);
    }

    @Override
    public void close() {
        closed = true;
        delegate.close();
    }
}
