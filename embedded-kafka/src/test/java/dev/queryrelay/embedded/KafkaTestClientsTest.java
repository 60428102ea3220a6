package dev.queryrelay.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class KafkaTestClientsTest {

    @Test
    void producerIsIdempotentAndFailsFast() {
        Map<String, Object> config = KafkaTestClients.producerConfig("127.0.0.1:9092");

        assertEquals("127.0.0.1:9092", config.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG));
        assertEquals(true, config.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG));
        assertEquals("all", config.get(ProducerConfig.ACKS_CONFIG));
        assertEquals(30_000, config.get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG));
    }

    @Test
    void consumerReadsFromEarliestWithoutAutoCommit() {
        Map<String, Object> config = KafkaTestClients.consumerConfig("127.0.0.1:9092", "g1");

        assertEquals("g1", config.get(ConsumerConfig.GROUP_ID_CONFIG));
        assertEquals("earliest", config.get(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG));
        assertEquals(false, config.get(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG));
    }

    @Test
    void configsAreMutableCopies() {
        KafkaTestClients.producerConfig("h:1").put(ProducerConfig.ACKS_CONFIG, "1");

        assertEquals("all", KafkaTestClients.producerConfig("h:1").get(ProducerConfig.ACKS_CONFIG));
    }

    @Test
    void rejectsMissingAddress() {
        assertThrows(NullPointerException.class, () -> KafkaTestClients.producerConfig(null));
        assertThrows(IllegalArgumentException.class, () -> KafkaTestClients.consumerConfig(" ", "g"));
        assertThrows(NullPointerException.class, () -> KafkaTestClients.consumerConfig("h:1", null));
    }
}
