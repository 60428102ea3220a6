package dev.queryrelay.embedded;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;

/**
 * What an {@link EmbeddedKafkaBroker} is started with, and the {@code server.properties} derived
 * from it.
 *
 * @param port       the client listener port, 0 for a free port chosen at the first start
 * @param logDir     the broker's data directory, or {@code null} for a temporary one
 * @param partitions the broker's {@code num.partitions}
 * @param overrides  broker properties that replace the defaults
 * @param guardJvm   whether a fatal broker fault is kept from ending the JVM
 */
record BrokerSettings(int port, Path logDir, int partitions, Map<String, String> overrides, boolean guardJvm) {

    static final String HOST = "127.0.0.1";
    static final int NODE_ID = 1;
    static final String CLIENT_LISTENER = "PLAINTEXT";
    static final String CONTROLLER_LISTENER = "CONTROLLER";

    /** Settings the testkit owns: changing them would break the address or the storage. */
    static final Set<String> RESERVED = Set.of("process.roles", "node.id", "broker.id",
            "controller.quorum.voters", "controller.quorum.bootstrap.servers", "listeners",
            "advertised.listeners", "listener.security.protocol.map", "controller.listener.names",
            "inter.broker.listener.name", "log.dirs", "log.dir", "metadata.log.dir");

    BrokerSettings {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
        }
        Objects.requireNonNull(overrides, "overrides");
        for (String key : overrides.keySet()) {
            if (RESERVED.contains(key)) {
                throw new IllegalArgumentException("broker property '" + key
                        + "' is set by the testkit; use the port and logDir options instead");
            }
        }
        overrides = Map.copyOf(overrides);
    }

    /** The full broker configuration for one start on the given ports and directory. */
    Properties serverProperties(int clientPort, int controllerPort, Path dataDir) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", Integer.toString(NODE_ID));
        props.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        props.put("listeners", CLIENT_LISTENER + "://" + HOST + ":" + clientPort + ","
                + CONTROLLER_LISTENER + "://" + HOST + ":" + controllerPort);
        props.put("advertised.listeners", CLIENT_LISTENER + "://" + HOST + ":" + clientPort);
        props.put("listener.security.protocol.map",
                CLIENT_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        props.put("inter.broker.listener.name", CLIENT_LISTENER);
        props.put("log.dirs", dataDir.toString());
        props.put("metadata.log.dir", dataDir.toString());
        props.put("num.partitions", Integer.toString(partitions));
        props.put("default.replication.factor", "1");
        props.put("min.insync.replicas", "1");
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "5");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "5");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        // consumer group protocol (KIP-848): fast failover for try-outs and tests (Kafka's defaults: 45 s and 5 s)
        props.put("group.consumer.min.session.timeout.ms", "1000");
        props.put("group.consumer.session.timeout.ms", "6000");
        props.put("group.consumer.min.heartbeat.interval.ms", "500");
        props.put("group.consumer.heartbeat.interval.ms", "1000");
        props.put("auto.create.topics.enable", "false");
        props.put("log.cleaner.dedupe.buffer.size", Integer.toString(2 * 1024 * 1024));
        props.put("num.network.threads", "2");
        props.put("num.io.threads", "4");
        props.putAll(overrides);
        Properties properties = new Properties();
        properties.putAll(props);
        return properties;
    }

    /** Parses one {@code key=value} broker property; the value may be empty, the key may not. */
    static Map.Entry<String, String> parseProperty(String keyValue) {
        Objects.requireNonNull(keyValue, "keyValue");
        int eq = keyValue.indexOf('=');
        if (eq <= 0 || keyValue.substring(0, eq).isBlank()) {
            throw new IllegalArgumentException(
                    "broker property must look like key=value, got '" + keyValue + "'");
        }
        return Map.entry(keyValue.substring(0, eq).trim(), keyValue.substring(eq + 1).trim());
    }
}
