/**
 * QueryRelay's warehouse SPI ({@link dev.queryrelay.api.ConnectionProvider},
 * {@link dev.queryrelay.api.WarehouseConnection}) and the value types shared by the registry,
 * the providers and the worker. Depends on the JDK only.
 */
package dev.queryrelay.api;
