package dev.queryrelay.registry;

import dev.queryrelay.api.ErrorType;
import dev.queryrelay.api.QueryRelayException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProvidersTest {

    @Test
    void findsTheMockProviderByName() {
        assertEquals("mock", Providers.load("mock").name());
        assertTrue(Providers.discover(getClass().getClassLoader()).containsKey("mock"));
    }

    @Test
    void anUnknownNameListsTheProvidersFound() {
        QueryRelayException e = assertThrows(QueryRelayException.class, () -> Providers.load("oracle"));
        assertEquals(ErrorType.VALIDATION, e.type());
        assertTrue(e.getMessage().contains("unknown provider 'oracle'"), e.getMessage());
        assertTrue(e.getMessage().contains("mock"), e.getMessage());
    }
}
