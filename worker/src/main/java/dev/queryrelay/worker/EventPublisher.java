package dev.queryrelay.worker;

import dev.queryrelay.api.ErrorInfo;
import dev.queryrelay.api.ErrorType;
import dev.queryrelay.api.QueryPage;
import dev.queryrelay.api.QuerySnapshot;
import dev.queryrelay.api.QueryStatus;
import dev.queryrelay.protocol.EventCodec;
import dev.queryrelay.registry.QueryListener;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.time.Duration;

import static java.nio.charset.StandardCharsets.UTF_8;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Publishes every transition to the status topic and every page to the results topic, keyed by
 * query id. A {@code SUCCEEDED} event is sent only after every page of its query is acknowledged;
 * if a page could not be written the query is reported {@code FAILED} instead. Each transition is
 * then recorded in the state topic. No registry thread waits for an acknowledgement: a query with
 * pages has its final event sent by the publisher thread once its last page is acknowledged; the
 * producer reports every send, acknowledged or failed, within {@code delivery.timeout.ms}.
 */
final class EventPublisher implements QueryListener, AutoCloseable {

    /** Pages of one query sent and not yet acknowledged, at most: a large result streams at the broker's pace. */
    static final int MAX_UNACKNOWLEDGED_PAGES = 8;
    /**
     * The worker's longest wait for a page's turn: the wait holds the query (a cancel for it waits
     * too), so when the broker is slower than this the stream goes on a page per wait instead.
     */
    static final Duration MAX_PAGE_WAIT = Duration.ofSeconds(1);

    private final Producer<byte[], byte[]> producer;
    private final EventCodec codec;
    private final String statusTopic;
    private final String resultsTopic;
    private final SendFailures failures;
    private final StateStore state;
    private final Duration pageAckTimeout;
    private final Duration maxPageWait;
    private final ConcurrentHashMap<String, PageTrail> trails = new ConcurrentHashMap<>();
    private final ExecutorService publisher = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "queryrelay-publisher");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * The last page sent for a query (completed when acknowledged or failed), the first failure,
     * and permits for the pages sent but not acknowledged yet.
     */
    private static final class PageTrail {
        volatile CompletableFuture<Void> last = CompletableFuture.completedFuture(null);
        volatile Exception failure;
        final Semaphore unacknowledged = new Semaphore(MAX_UNACKNOWLEDGED_PAGES);
    }

    EventPublisher(Producer<byte[], byte[]> producer, EventCodec codec, String statusTopic, String resultsTopic,
                   SendFailures failures, StateStore state, Duration pageAckTimeout, Duration maxPageWait) {
        this.producer = producer;
        this.codec = codec;
        this.statusTopic = statusTopic;
        this.resultsTopic = resultsTopic;
        this.failures = failures;
        this.state = state;
        this.pageAckTimeout = pageAckTimeout;
        this.maxPageWait = maxPageWait;
    }

    @Override
    public void onTransition(QuerySnapshot snapshot) {
        PageTrail trail = snapshot.status().isTerminal() ? trails.remove(snapshot.queryId()) : null;
        if (snapshot.status() != QueryStatus.SUCCEEDED || trail == null) {
            publish(snapshot);
            return;
        }
        trail.last.whenCompleteAsync((ok, ignored) -> {
            Exception failure = trail.failure;
            publish(failure == null ? snapshot : failedInstead(snapshot, failure));
        }, publisher);
    }

    @Override
    public void onPage(QueryPage page) {
        PageTrail trail = trails.computeIfAbsent(page.queryId(), id -> new PageTrail());
        String key = page.queryId();
        int number = page.page();
        byte[] value = codec.page(page);
        boolean permit = awaitPermit(trail.unacknowledged);
        CompletableFuture<Void> acknowledged = new CompletableFuture<>();
        trail.last = acknowledged;
        Callback done = (metadata, error) -> {
            if (error != null) {
                trail.failure = error;
                failures.record("page " + number, resultsTopic, key, error);
            }
            if (permit) {
                trail.unacknowledged.release();
            }
            acknowledged.complete(null);
        };
        try {
            producer.send(keyed(resultsTopic, key, value), done);
        } catch (RuntimeException e) {
            done.onCompletion(null, e);
        }
    }

    /**
     * Waits until fewer than {@link #MAX_UNACKNOWLEDGED_PAGES} of the query's pages are in flight,
     * at most {@code maxPageWait}; false if it gave up waiting.
     */
    private boolean awaitPermit(Semaphore unacknowledged) {
        try {
            return unacknowledged.tryAcquire(maxPageWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    void send(ProducerRecord<byte[], byte[]> record, String what) {
        producer.send(record, (metadata, error) -> {
            if (error != null) {
                failures.record(what, record.topic(), record.key() == null ? null : new String(record.key(), UTF_8), error);
            }
        });
    }

    /** A record keyed by a query id (as UTF-8). */
    static ProducerRecord<byte[], byte[]> keyed(String topic, String queryId, byte[] value) {
        return new ProducerRecord<>(topic, queryId.getBytes(UTF_8), value);
    }

    /** Sends the final events still waiting for their pages' acknowledgements (waiting at most {@code pageAckTimeout}), then stops. */
    @Override
    public void close() {
        publisher.shutdown();
        try {
            if (!publisher.awaitTermination(pageAckTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                publisher.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void publish(QuerySnapshot published) {
        send(keyed(statusTopic, published.queryId(), codec.status(published)),
                "status " + published.status());
        state.transition(published);
    }

    private static QuerySnapshot failedInstead(QuerySnapshot s, Exception failure) {
        ErrorInfo error = new ErrorInfo(ErrorType.INTERNAL, "result pages could not be published: " + failure,
                null, null, true);
        return new QuerySnapshot(s.queryId(), s.sql(), s.bindings(), QueryStatus.FAILED, s.createdAt(), s.updatedAt(),
                s.startedAt(), s.finishedAt(), s.executionMs(), s.rowCount(), s.pages(), s.truncated(), s.columns(), error,
                s.providerQueryId(), s.options(), s.tags(), s.seq());
    }
}
