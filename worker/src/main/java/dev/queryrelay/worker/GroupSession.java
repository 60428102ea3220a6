package dev.queryrelay.worker;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The ownership lease a worker can trust: at most the configured {@code worker.ownership-lease-ms}
 * and at most half the group's session timeout, which the consumer group protocol (KIP-848) sets on
 * the broker ({@code group.consumer.session.timeout.ms}): a member silent for longer than that may
 * have lost its partitions.
 */
final class GroupSession {

    private static final Logger log = LoggerFactory.getLogger(GroupSession.class);
    static final String SESSION_TIMEOUT = "group.consumer.session.timeout.ms";

    private GroupSession() {
    }

    static Duration lease(Admin admin, Duration configured) {
        Duration session = sessionTimeout(admin);
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

    private static Duration sessionTimeout(Admin admin) {
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
