package dev.queryrelay.testkit;

import dev.queryrelay.embedded.EmbeddedKafkaBroker;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Starts one {@link EmbeddedKafkaBroker} for the annotated test class (and its {@code @Nested}
 * classes) before its first test and closes it after its last. Tests receive it as a parameter
 * of a constructor, a lifecycle method or a test method:
 *
 * <pre>{@code
 * @EmbeddedKafka(topics = {"orders"}, partitions = 3)
 * class OrdersIT {
 *     @Test
 *     void roundTrip(EmbeddedKafkaBroker broker) { ... broker.bootstrapServers() ... }
 * }
 * }</pre>
 *
 * <p>Requires {@code org.junit.jupiter:junit-jupiter-api} on the test classpath.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(EmbeddedKafkaExtension.class)
public @interface EmbeddedKafka {

    /** Topics created (and ready for producers) before the first test. */
    String[] topics() default {};

    /** The partition count of {@link #topics()} and the broker's default for new topics. */
    int partitions() default 1;

    /** Broker settings as {@code key=value}, e.g. {@code "message.max.bytes=2097152"}. */
    String[] brokerProperties() default {};
}
