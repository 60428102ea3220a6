/**
 * Test support for QueryRelay and its users: {@link dev.queryrelay.embedded.EmbeddedKafkaBroker},
 * a real single-node KRaft Kafka broker started in the JVM from Maven Central jars; the JUnit 5
 * annotation {@link dev.queryrelay.testkit.EmbeddedKafka}; {@link dev.queryrelay.embedded.KafkaBrokerMain}
 * to run the broker as its own process; client defaults in
 * {@link dev.queryrelay.embedded.KafkaTestClients}; and {@link dev.queryrelay.embedded.TopicRecorder}.
 */
package dev.queryrelay.testkit;
