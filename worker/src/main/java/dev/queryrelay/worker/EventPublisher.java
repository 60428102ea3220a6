package dev.queryrelay.worker;

import dev.queryrelay.api.ErrorInfo;
import dev.queryrelay.api.ErrorType;
import dev.queryrelay.api.QueryPage;
import dev.queryrelay.api.QuerySnapshot;
import dev.queryrelay.api.QueryStatus;
import dev.queryrelay.registry.QueryListener;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishes every transition to the status topic and every page to the results topic, keyed by
 * query id. A {@code SUCCEEDED} event is sent only after every page of its query is acknowledged;
 * if a page could not be written the query is reported {@code FAILED} instead. Each transition is
 * then recorded in the state topic.
 */
final class EventPublisher implements QueryListener {

    private final Producer<String, byte[]> producer;
    private final EventCodec codec;
    private final String statusTopic;
    private final String resultsTopic;
    private final SendFailures failures;
    private final StateStore state;
    private final Duration pageAckTimeout;
    private final ConcurrentHashMap<String, PageTrail> trails = new ConcurrentHashMap<>();

    private static final class PageTrail {
        volatile Future<RecordMetadata> last;
        volatile Exception failure;
    }

    EventPublisher(Producer<String, byte[]> producer, EventCodec codec, String statusTopic, String resultsTopic,
                   SendFailures failures, StateStore state, Duration pageAckTimeout) {
        this.producer = producer;
        this.codec = codec;
        this.statusTopic = statusTopic;
        this.resultsTopic = resultsTopic;
        this.failures = failures;
        this.state = state;
        this.pageAckTimeout = pageAckTimeout;
    }

    @Override
    public void onTransition(QuerySnapshot snapshot) {
        QuerySnapshot published = snapshot;
        if (snapshot.status().isTerminal()) {
            PageTrail trail = trails.remove(snapshot.queryId());
            if (snapshot.status() == QueryStatus.SUCCEEDED && trail != null) {
                Exception failure = awaitPages(trail);
                if (failure != null) {
                    published = failedInstead(snapshot, failure);
                }
            }
        }
        send(new ProducerRecord<>(statusTopic, published.queryId(), codec.status(published)), "status " + published.status());
        state.transition(published);
    }

    @Override
    public void onPage(QueryPage page) {
        PageTrail trail = trails.computeIfAbsent(page.queryId(), id -> new PageTrail());
        String key = page.queryId();
        try {
            trail.last = producer.send(new ProducerRecord<>(resultsTopic, key, codec.page(page)), (metadata, error) -> {
                if (error != null) {
                    trail.failure = error;
                    failures.record("page " + page.page(), resultsTopic, key, error);
                }
            });
        } catch (RuntimeException e) {
            trail.failure = e;
            failures.record("page " + page.page(), resultsTopic, key, e);
        }
    }

    void send(ProducerRecord<String, byte[]> record, String what) {
        producer.send(record, (metadata, error) -> {
            if (error != null) {
                failures.record(what, record.topic(), record.key(), error);
            }
        });
    }

    private Exception awaitPages(PageTrail trail) {
        if (trail.last == null) {
            return trail.failure;
        }
        try {
            trail.last.get(pageAckTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return trail.failure != null ? trail.failure : (Exception) e.getCause();
        } catch (TimeoutException e) {
            return e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e;
        }
        return trail.failure;
    }

    private static QuerySnapshot failedInstead(QuerySnapshot s, Exception failure) {
        ErrorInfo error = new ErrorInfo(ErrorType.INTERNAL, "result pages could not be published: " + failure,
                null, null, true);
        return new QuerySnapshot(s.queryId(), s.sql(), s.bindings(), QueryStatus.FAILED, s.createdAt(), s.updatedAt(), s.startedAt(),
                s.finishedAt(), s.executionMs(), s.rowCount(), s.pages(), s.truncated(), s.columns(), error,
                s.providerQueryId(), s.options(), s.tags(), s.seq());
    }
}
