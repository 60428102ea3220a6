package dev.queryrelay.worker;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The ownership lease a worker can trust: at most the configured {@code worker.ownership-lease-ms}
 * and at most half the group's session timeout: a member silent for longer than that may have lost
 * its partitions. With Kafka's consumer group protocol (KIP-848) the broker sets the session timeout
 * ({@code group.consumer.session.timeout.ms}); with the classic protocol the consumer does
 * ({@code session.timeout.ms}, Kafka's default 45 s).
 */
final class GroupSession {

    private static final Logger log = LoggerFactory.getLogger(GroupSession.class);
    static final String SESSION_TIMEOUT = "group.consumer.session.timeout.ms";
    /** Kafka's default {@code session.timeout.ms} of a classic-protocol consumer. */
    static final Duration CLASSIC_DEFAULT_SESSION = Duration.ofSeconds(45);

    private GroupSession() {
    }

    /** The lease for a worker whose command consumer has {@code consumerSettings}; the broker is asked through {@code admin} when it sets the session. */
    static Duration lease(Map<String, Object> consumerSettings, Supplier<Admin> admin, Duration configured) {
        Duration session = KafkaSettings.isClassic(consumerSettings) ? clientSessionTimeout(consumerSettings)
                : brokerSessionTimeout(admin.get());
        if (session == null) {
            log.warn("cannot read the broker's {}; the ownership lease is worker.ownership-lease-ms, {} ms: keep it "
                    + "below half the group's session timeout", SESSION_TIMEOUT, configured.toMillis());
            return configured;
        }
        Duration half = session.dividedBy(2);
        Duration lease = configured.compareTo(half) < 0 ? configured : half;
        log.info("ownership lease {} ms (group session timeout {} ms)", lease.toMillis(), session.toMillis());
        return lease;
    }

    private static Duration clientSessionTimeout(Map<String, Object> consumerSettings) {
        Object value = consumerSettings.get(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG);
        if (value == null) {
            return CLASSIC_DEFAULT_SESSION;
        }
        try {
            return Duration.ofMillis(value instanceof Number number ? number.longValue() : Long.parseLong(value.toString().trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("setting kafka." + ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG
                    + " must be a whole number of milliseconds, got '" + value + "'");
        }
    }

    private static Duration brokerSessionTimeout(Admin admin) {
        try {
            Collection<Node> nodes = TopicSetup.get(admin.describeCluster().nodes(), "describe the cluster");
            if (nodes.isEmpty()) {
                return null;
            }
            ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, nodes.iterator().next().idString());
            Map<ConfigResource, Config> configs = TopicSetup.get(admin.describeConfigs(List.of(broker)).all(),
                    "describe the broker's configuration");
            ConfigEntry entry = configs.get(broker).get(SESSION_TIMEOUT);
            return entry == null || entry.value() == null ? null : Duration.ofMillis(Long.parseLong(entry.value()));
        } catch (RuntimeException e) {
            log.debug("reading the group session timeout failed: {}", e.toString());
            return null;
        }
    }
}
