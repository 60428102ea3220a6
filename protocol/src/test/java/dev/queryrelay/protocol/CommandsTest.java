package dev.queryrelay.protocol;

import dev.queryrelay.api.QueryOptions;
import dev.queryrelay.api.StartRequest;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CommandsTest {

    private final CommandParser parser = new CommandParser(100_000);

    @Test
    void aWrittenSubmitParsesBackToTheSameRequest() {
        StartRequest request = new StartRequest("q-1", "SELECT ?, ?", Arrays.asList(1L, new BigDecimal("2.50"), null, "x"),
                new QueryOptions(Duration.ofSeconds(5), 10, 0L, Duration.ofMillis(20)), Map.of("team", "data"));
        byte[] written = Commands.submit(request).getBytes(StandardCharsets.UTF_8);
        assertEquals(request, parser.parseSubmit(null, written).request());
    }

    @Test
    void aMinimalSubmitHasDefaultOptions() {
        StartRequest request = parser.parseSubmit(null, Commands.submit("q", "SELECT 1").getBytes(StandardCharsets.UTF_8))
                .request();
        assertEquals(new StartRequest("q", "SELECT 1", List.of(), QueryOptions.DEFAULTS, Map.of()), request);
    }

    @Test
    void aWrittenCancelParsesBack() {
        assertEquals(new CancelCommand("q", "no longer needed"),
                parser.parseCancel(null, Commands.cancel("q", "no longer needed").getBytes(StandardCharsets.UTF_8)));
        assertEquals(new CancelCommand("q", null), parser.parseCancel(null, Commands.cancel("q", null).getBytes(StandardCharsets.UTF_8)));
    }
}
