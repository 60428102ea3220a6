package dev.queryrelay.worker;

import dev.queryrelay.api.ErrorInfo;
import dev.queryrelay.api.ErrorType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeadLettersTest {

    private final DeadLetters deadLetters = new DeadLetters("dlq", "group-1");

    private static String header(ProducerRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Test
    void keepsTheOriginalRecordAndAddsSpringHeaders() {
        ConsumerRecord<byte[], byte[]> original = new ConsumerRecord<>("submit", 3, 42L, new byte[]{'k', (byte) 0xFF},
                "{bad".getBytes(StandardCharsets.UTF_16));
        original.headers().add("trace", new byte[]{7});
        ProducerRecord<byte[], byte[]> record = deadLetters.record(original, ErrorInfo.of(ErrorType.VALIDATION, "not valid JSON"));
        assertEquals("dlq", record.topic());
        assertArrayEquals(original.key(), record.key(), "the key byte for byte, also when it is not UTF-8");
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
    void aLargeValueIsKeptWhole() {
        byte[] value = new byte[2_000_000];
        java.util.Arrays.fill(value, (byte) 'x');
        ConsumerRecord<byte[], byte[]> original = new ConsumerRecord<>("submit", 0, 1L, null, value);
        ProducerRecord<byte[], byte[]> record = deadLetters.record(original, ErrorInfo.of(ErrorType.VALIDATION, "too long"));
        assertArrayEquals(value, record.value());
        assertEquals(null, record.key());
    }

    @Test
    void withoutValueKeepsKeyAndHeadersAndSaysWhy() {
        ProducerRecord<byte[], byte[]> full = new ProducerRecord<>("dlq", null, "k".getBytes(StandardCharsets.UTF_8),
                new byte[5_000], new org.apache.kafka.common.header.internals.RecordHeaders());
        ProducerRecord<byte[], byte[]> dropped = DeadLetters.withoutValue(full,
                new org.apache.kafka.common.errors.RecordTooLargeException("larger than max.message.bytes"));
        assertNull(dropped.value());
        assertArrayEquals(full.key(), dropped.key());
        assertEquals("Kafka refused the value of 5000 bytes: larger than max.message.bytes",
                new String(dropped.headers().lastHeader(DeadLetters.VALUE_DROPPED).value(), StandardCharsets.UTF_8));
    }

    @Test
    void everyHeaderTheWorkerWritesIsInProtocolMdAndTheAsyncApiDocument() throws IOException {
        String protocol = Files.readString(Path.of("..", "docs", "protocol.md"));
        String asyncApi = Files.readString(Path.of("..", "docs", "asyncapi.yaml"));
        for (String header : List.of(DeadLetters.EXCEPTION_FQCN, DeadLetters.EXCEPTION_MESSAGE, DeadLetters.ORIGINAL_TOPIC,
                DeadLetters.ORIGINAL_PARTITION, DeadLetters.ORIGINAL_OFFSET, DeadLetters.ORIGINAL_TIMESTAMP,
                DeadLetters.ORIGINAL_TIMESTAMP_TYPE, DeadLetters.ORIGINAL_CONSUMER_GROUP, DeadLetters.ERROR_TYPE,
                DeadLetters.VALUE_DROPPED)) {
            assertTrue(protocol.contains("| `" + header + "` |"), header + " in protocol.md's DLQ table");
            assertTrue(asyncApi.contains("          " + header + ":"), header + " in asyncapi.yaml's dead letter headers");
        }
    }
}
