package dev.queryrelay.registry;

import dev.queryrelay.api.ConnectionProvider;
import dev.queryrelay.api.QueryRelayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** Finds {@link ConnectionProvider} plugins on the class path with {@link ServiceLoader}. */
public final class Providers {

    private static final Logger log = LoggerFactory.getLogger(Providers.class);

    private Providers() {
    }

    /** Every provider found, by name. Two providers with one name is an error. */
    public static Map<String, ConnectionProvider> discover(ClassLoader loader) {
        Map<String, ConnectionProvider> byName = new TreeMap<>();
        for (ConnectionProvider provider : ServiceLoader.load(ConnectionProvider.class, loader)) {
            ConnectionProvider previous = byName.putIfAbsent(provider.name(), provider);
            if (previous != null) {
                throw QueryRelayException.validation("two providers are named '" + provider.name() + "': "
                        + previous.getClass().getName() + " and " + provider.getClass().getName());
            }
            log.debug("found provider '{}' ({})", provider.name(), provider.getClass().getName());
        }
        return Map.copyOf(byName);
    }

    /** The provider with this name, or a VALIDATION error that lists the names found. */
    public static ConnectionProvider load(String name) {
        Objects.requireNonNull(name, "name");
        Map<String, ConnectionProvider> found = discover(Thread.currentThread().getContextClassLoader());
        ConnectionProvider provider = found.get(name);
        if (provider == null) {
            throw QueryRelayException.validation("unknown provider '" + name + "'; providers found: "
                    + (found.isEmpty() ? "none" : String.join(", ", new TreeMap<>(found).keySet())));
        }
        return provider;
    }
}
