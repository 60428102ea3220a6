package dev.queryrelay.testkit;

import dev.queryrelay.embedded.EmbeddedKafkaBroker;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

import java.util.Optional;

/**
 * The JUnit 5 extension behind {@link EmbeddedKafka}: one broker per annotated class, kept in the
 * class-level store so that JUnit closes it after the class; {@code @Nested} classes share it.
 */
final class EmbeddedKafkaExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(EmbeddedKafkaExtension.class);
    private static final String KEY = "broker";

    @Override
    public void beforeAll(ExtensionContext context) {
        broker(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == EmbeddedKafkaBroker.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return broker(context);
    }

    /** The broker of the annotated class, started at first use (store lookups see outer classes). */
    private static EmbeddedKafkaBroker broker(ExtensionContext context) {
        ExtensionContext owner = annotatedClassContext(context);
        EmbeddedKafka settings = findAnnotation(owner).orElseThrow(() -> new IllegalStateException(
                "No @EmbeddedKafka on " + owner.getRequiredTestClass().getName()));
        return owner.getStore(NAMESPACE)
                .getOrComputeIfAbsent(KEY, key -> new BrokerResource(start(settings)), BrokerResource.class)
                .broker();
    }

    private static ExtensionContext annotatedClassContext(ExtensionContext context) {
        ExtensionContext classContext = context;
        while (classContext.getTestMethod().isPresent() && classContext.getParent().isPresent()) {
            classContext = classContext.getParent().get();
        }
        for (ExtensionContext c = classContext; c != null; c = c.getParent().orElse(null)) {
            if (findAnnotation(c).isPresent()) {
                return c;
            }
        }
        return classContext;
    }

    private static Optional<EmbeddedKafka> findAnnotation(ExtensionContext context) {
        return context.getTestClass().flatMap(c -> AnnotationSupport.findAnnotation(c, EmbeddedKafka.class));
    }

    private static EmbeddedKafkaBroker start(EmbeddedKafka settings) {
        EmbeddedKafkaBroker.Builder builder = EmbeddedKafkaBroker.builder().partitions(settings.partitions());
        for (String property : settings.brokerProperties()) {
            builder.brokerProperty(property);
        }
        EmbeddedKafkaBroker broker = builder.start();
        try {
            if (settings.topics().length > 0) {
                broker.createTopics(settings.partitions(), settings.topics());
            }
            return broker;
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    /**
     * Closes the broker when JUnit closes the class-level store: as an {@link AutoCloseable} on
     * JUnit 5.13 and later, as a {@code CloseableResource} before (closed once either way).
     */
    @SuppressWarnings("deprecation")
    private record BrokerResource(EmbeddedKafkaBroker broker)
            implements ExtensionContext.Store.CloseableResource, AutoCloseable {

        @Override
        public void close() {
            broker.close();
        }
    }
}
