package dev.queryrelay.mock;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.queryrelay.api.ConnectionProvider;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class ServiceLoaderTest {

    @Test
    void serviceLoaderFindsMock() {
        long found = ServiceLoader.load(ConnectionProvider.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals("mock") && p instanceof MockConnectionProvider)
                .count();

        assertEquals(1, found);
    }
}
