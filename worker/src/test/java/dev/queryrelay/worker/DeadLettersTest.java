package dev.queryrelay.worker;

import dev.queryrelay.api.ErrorInfo;
import dev.queryrelay.api.ErrorType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class DeadLettersTest {

    private final DeadLetters deadLetters = new DeadLetters("dlq", "group-1", 100);

    private static String header(ProducerRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Test
    void keepsTheOriginalRecordAndAddsSpringHeaders() {
        ConsumerRecord<String, byte[]> original = new ConsumerRecord<>("submit", 3, 42L, "k", "{bad".getBytes(StandardCharsets.UTF_8));
        original.headers().add("trace", new byte[]{7});
        ProducerRecord<String, byte[]> record = deadLetters.record(original, ErrorInfo.of(ErrorType.VALIDATION, "not valid JSON"));
        assertEquals("dlq", record.topic());
        assertEquals("k", record.key());
        assertArrayEquals(original.value(), record.value());
        assertArrayEquals(new byte[]{7}, record.headers().lastHeader("trace").value());
        assertEquals("not valid JSON", header(record, "kafka_dlt-exception-message"));
        assertEquals("dev.queryrelay.api.QueryRelayException", header(record, "kafka_dlt-exception-fqcn"));
        assertEquals("submit", header(record, "kafka_dlt-original-topic"));
        assertEquals(3, ByteBuffer.wrap(record.headers().lastHeader("kafka_dlt-original-partition").value()).getInt());
        assertEquals(42L, ByteBuffer.wrap(record.headers().lastHeader("kafka_dlt-original-offset").value()).getLong());
        assertEquals("group-1", header(record, "kafka_dlt-original-consumer-group"));
        assertEquals("VALIDATION", header(record, "queryrelay-error-type"));
    }

    @Test
    void aValueTooLargeToPublishIsCut() {
        ConsumerRecord<String, byte[]> original = new ConsumerRecord<>("submit", 0, 1L, "k", new byte[250]);
        ProducerRecord<String, byte[]> record = deadLetters.record(original, ErrorInfo.of(ErrorType.VALIDATION, "too long"));
        assertEquals(100, record.value().length);
        assertEquals("250", header(record, "queryrelay-original-size"));
    }
}
