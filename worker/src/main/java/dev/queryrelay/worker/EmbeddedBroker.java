package dev.queryrelay.worker;

import java.lang.reflect.InvocationTargetException;

/**
 * The in-JVM Kafka broker of {@code --embedded-kafka}, for a local try-out. The broker lives in the
 * {@code queryrelay-embedded-kafka} module, which is not in the worker jar: it must be on the class
 * path ({@code bin/queryrelay worker --embedded-kafka} puts it there).
 */
final class EmbeddedBroker implements AutoCloseable {

    static final String BROKER_CLASS = "dev.queryrelay.embedded.EmbeddedKafkaBroker";

    private final AutoCloseable broker;
    private final String bootstrapServers;

    private EmbeddedBroker(AutoCloseable broker, String bootstrapServers) {
        this.broker = broker;
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * Starts the broker.
     *
     * @throws IllegalArgumentException when the embedded broker is not on the class path
     */
    static EmbeddedBroker start() {
        Class<?> type;
        try {
            type = Class.forName(BROKER_CLASS);
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("--embedded-kafka needs the embedded broker (module queryrelay-embedded-kafka) "
                    + "on the class path, which the worker jar does not hold: run bin/queryrelay worker --embedded-kafka");
        }
        try {
            AutoCloseable broker = (AutoCloseable) type.getMethod("start").invoke(null);
            return new EmbeddedBroker(broker, (String) type.getMethod("bootstrapServers").invoke(broker));
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("the embedded broker did not start: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the embedded broker on the class path does not fit this worker: " + e, e);
        }
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public void close() {
        try {
            broker.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing the embedded broker failed: " + e, e);
        }
    }
}
