package dev.queryrelay.api;

import java.util.Map;

/**
 * A warehouse plugin, discovered with {@link java.util.ServiceLoader} through
 * {@code META-INF/services/dev.queryrelay.api.ConnectionProvider}. Implementations need a public
 * no-argument constructor and must be thread-safe: {@link #name()} may be called from any thread;
 * {@link #connect} is called by the application's own thread (the worker's main thread at start,
 * a test), never by the registry, and may race with another {@code connect} of the same provider.
 */
public interface ConnectionProvider {

    /** The provider's unique name (e.g. {@code "snowflake"}, {@code "mock"}), lower case. */
    String name();

    /**
     * Opens a connection with the given settings (the worker's {@code provider.*} keys with the
     * prefix removed). May be called several times; each connection is independent. May block
     * (log in) but should give up within the provider's login timeout.
     *
     * @throws QueryRelayException with {@link ErrorType#VALIDATION} for bad settings,
     *                             {@link ErrorType#AUTH} or {@link ErrorType#NETWORK} otherwise
     */
    WarehouseConnection connect(Map<String, String> config);
}
