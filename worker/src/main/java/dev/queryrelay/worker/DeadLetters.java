package dev.queryrelay.worker;

import dev.queryrelay.api.ErrorInfo;
import dev.queryrelay.api.ErrorType;
import dev.queryrelay.api.QueryRelayException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Builds dead-letter records: the original key, value and headers, byte for byte, plus the headers
 * Spring Kafka's {@code DeadLetterPublishingRecoverer} writes (same names and encodings) and
 * {@code queryrelay-error-type}. The DLQ topic and the producer accept any record the command
 * topics accept (see {@link TopicSetup}); a dead letter Kafka refuses all the same (a command written
 * compressed that is too large once compressed again, or an invalid record) is published
 * {@linkplain #withoutValue without its value}. Each record built is counted by its error type.
 */
final class DeadLetters {

    static final String EXCEPTION_FQCN = "kafka_dlt-exception-fqcn";
    static final String EXCEPTION_MESSAGE = "kafka_dlt-exception-message";
    static final String ORIGINAL_TOPIC = "kafka_dlt-original-topic";
    static final String ORIGINAL_PARTITION = "kafka_dlt-original-partition";
    static final String ORIGINAL_OFFSET = "kafka_dlt-original-offset";
    static final String ORIGINAL_TIMESTAMP = "kafka_dlt-original-timestamp";
    static final String ORIGINAL_TIMESTAMP_TYPE = "kafka_dlt-original-timestamp-type";
    static final String ORIGINAL_CONSUMER_GROUP = "kafka_dlt-original-consumer-group";
    static final String ERROR_TYPE = "queryrelay-error-type";
    static final String VALUE_DROPPED = "queryrelay-value-dropped";

    private final String topic;
    private final String consumerGroup;
    private final Consumer<ErrorType> counted;

    DeadLetters(String topic, String consumerGroup) {
        this(topic, consumerGroup, type -> { });
    }

    DeadLetters(String topic, String consumerGroup, Consumer<ErrorType> counted) {
        this.topic = topic;
        this.consumerGroup = consumerGroup;
        this.counted = Objects.requireNonNull(counted, "counted");
    }

    String topic() {
        return topic;
    }

    ProducerRecord<byte[], byte[]> record(ConsumerRecord<byte[], byte[]> original, ErrorInfo error) {
        Headers headers = new RecordHeaders(original.headers().toArray());
        headers.add(EXCEPTION_FQCN, utf8(QueryRelayException.class.getName()));
        headers.add(EXCEPTION_MESSAGE, utf8(error.message()));
        headers.add(ORIGINAL_TOPIC, utf8(original.topic()));
        headers.add(ORIGINAL_PARTITION, ByteBuffer.allocate(Integer.BYTES).putInt(original.partition()).array());
        headers.add(ORIGINAL_OFFSET, ByteBuffer.allocate(Long.BYTES).putLong(original.offset()).array());
        headers.add(ORIGINAL_TIMESTAMP, ByteBuffer.allocate(Long.BYTES).putLong(original.timestamp()).array());
        headers.add(ORIGINAL_TIMESTAMP_TYPE, utf8(original.timestampType().toString()));
        headers.add(ORIGINAL_CONSUMER_GROUP, utf8(consumerGroup));
        headers.add(ERROR_TYPE, utf8(error.type().name()));
        counted.accept(error.type());
        return new ProducerRecord<>(topic, null, original.key(), original.value(), headers);
    }

    /** The dead letter without its value, for one Kafka {@code refused}; {@code queryrelay-value-dropped} gives the value's size and Kafka's reason. */
    static ProducerRecord<byte[], byte[]> withoutValue(ProducerRecord<byte[], byte[]> deadLetter, Exception refused) {
        Headers headers = new RecordHeaders(deadLetter.headers().toArray());
        int size = deadLetter.value() == null ? 0 : deadLetter.value().length;
        headers.add(VALUE_DROPPED, utf8("Kafka refused the value of " + size + " bytes: " + refused.getMessage()));
        return new ProducerRecord<>(deadLetter.topic(), null, deadLetter.key(), null, headers);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
