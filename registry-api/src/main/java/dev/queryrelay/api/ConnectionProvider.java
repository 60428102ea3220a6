package dev.queryrelay.api;

import java.util.Map;

/**
 * A warehouse plugin, discovered with {@link java.util.ServiceLoader} through
 * {@code META-INF/services/dev.queryrelay.api.ConnectionProvider}. Implementations need a public
 * no-argument constructor and must be thread-safe.
 */
public interface ConnectionProvider {

    /** The provider's unique name (e.g. {@code "snowflake"}, {@code "mock"}), lower case. */
    String name();

    /**
     * Opens a connection with the given settings (the worker's {@code provider.*} keys with the
     * prefix removed). May be called several times; each connection is independent.
     *
     * @throws QueryRelayException with {@link ErrorType#VALIDATION} for bad settings,
     *                             {@link ErrorType#AUTH} or {@link ErrorType#NETWORK} otherwise
     */
    WarehouseConnection connect(Map<String, String> config);
}
