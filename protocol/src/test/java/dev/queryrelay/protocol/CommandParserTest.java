package dev.queryrelay.protocol;

import dev.queryrelay.api.ErrorType;
import dev.queryrelay.api.QueryOptions;
import dev.queryrelay.api.QueryRelayException;
import dev.queryrelay.api.StartRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class CommandParserTest {

    private final CommandParser parser = new CommandParser(100);

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] key(String key) {
        return key == null ? null : utf8(key);
    }

    @Test
    void parsesAFullSubmit() {
        StartRequest request = parser.parseSubmit(key("ignored"), utf8("""
                {"query_id":"q-1","sql":"SELECT ?","bindings":[1,2.50,"x",null,true,12345678901234567890],
                 "options":{"timeout_ms":5000,"page_rows":10,"max_rows":0,"poll_interval_ms":20},
                 "tags":{"team":"data"}}""")).request();
        assertEquals("q-1", request.queryId());
        assertEquals("SELECT ?", request.sql());
        assertEquals(Arrays.asList(1L, new BigDecimal("2.50"), "x", null, true, new BigDecimal("12345678901234567890")),
                request.bindings());
        assertEquals(new QueryOptions(Duration.ofMillis(5000), 10, 0L, Duration.ofMillis(20)), request.options());
        assertEquals("data", request.tags().get("team"));
    }

    @Test
    void aNumberHasAtMostAThousandDigits() {
        String thousand = "9".repeat(1000);
        String fraction = "-0." + "9".repeat(999);
        StartRequest request = parser.parseSubmit(key("k"), utf8("{\"sql\":\"SELECT ?, ?\",\"bindings\":[" + thousand
                + ", " + fraction + "]}")).request();
        assertEquals(List.of(new BigDecimal(thousand), new BigDecimal(fraction)), request.bindings());
        QueryRelayException tooLong = assertThrows(QueryRelayException.class, () -> parser.parseSubmit(key("k"),
                utf8("{\"sql\":\"SELECT ?\",\"bindings\":[" + thousand + "9]}")));
        assertEquals(ErrorType.VALIDATION, tooLong.error().type());
        String exponent = "1." + "9".repeat(997) + "e-66";
        assertEquals(List.of(new BigDecimal(exponent)), parser.parseSubmit(key("k"), utf8("{\"sql\":\"SELECT ?\",\"bindings\":["
                + exponent + "]}")).request().bindings(), "the exponent's digits count");
        assertThrows(QueryRelayException.class, () -> parser.parseSubmit(key("k"),
                utf8("{\"sql\":\"SELECT ?\",\"bindings\":[" + exponent + "6]}")));
    }

    @Test
    void takesTheQueryIdFromTheKeyWhenTheFieldIsAbsent() {
        SubmitCommand command = parser.parseSubmit(key("from-key"), utf8("{\"sql\":\"SELECT 1\"}"));
        assertEquals("from-key", command.queryId());
        assertEquals(QueryOptions.DEFAULTS, command.request().options());
    }

    @Test
    void parsesCancels() {
        assertEquals(new CancelCommand("q-1", "stop"), parser.parseCancel(key(null), utf8("{\"query_id\":\"q-1\",\"reason\":\"stop\"}")));
        assertEquals(new CancelCommand("k", null), parser.parseCancel(key("k"), utf8("{}")));
    }

    static Stream<org.junit.jupiter.params.provider.Arguments> badSubmits() {
        return Stream.of(
                arguments("k1", null, "empty record value", "k1"),
                arguments("k1", "", "empty record value", "k1"),
                arguments("k1", "not json", "not valid JSON", "k1"),
                arguments("k1", "{\"sql\":\"SELECT 1\"", "not valid JSON", "k1"),
                arguments("k1", "[1,2]", "not a JSON object", "k1"),
                arguments("k1", "\"SELECT 1\"", "not a JSON object", "k1"),
                arguments("k1", "42", "not a JSON object", "k1"),
                arguments("k1", "null", "not a JSON object", "k1"),
                arguments("k1", "{\"sql\":\"SELECT 1\"} trailing", "not valid JSON", "k1"),
                arguments("k1", "{\"query_id\":\"q\",\"sql\":\"a\",\"sql\":\"b\"}", "not valid JSON", "k1"),
                arguments("k1", "{}", "missing field 'sql'", "k1"),
                arguments("k1", "{\"query_id\":\"q\"}", "missing field 'sql'", "q"),
                arguments("k1", "{\"query_id\":\"q\",\"sql\":null}", "missing field 'sql'", "q"),
                arguments("k1", "{\"query_id\":\"q\",\"sql\":42}", "field 'sql' must be a string", "q"),
                arguments("k1", "{\"query_id\":\"q\",\"sql\":\"   \"}", "must not be blank", "q"),
                arguments("k1", "{\"query_id\":\"q\",\"sql\":\"" + "x".repeat(101) + "\"}", "more than the limit of 100", "q"),
                arguments("k1", "{\"query_id\":\"q\",\"sql\":\"S\",\"sqll\":1}", "unknown field 'sqll'", "q"),
                arguments("k1", "{\"query_id\":\"q\",\"sql\":\"S\",\"type\":\"cancel\"}", "unknown field 'type'", "q"),
                arguments("k1", "{\"query_id\":\"q\",\"reason\":\"x\"}", "unknown field 'reason'", "q"),
                arguments(null, "{\"sql\":\"S\"}", "no key", null),
                arguments("k1", "{\"query_id\":42,\"sql\":\"S\"}", "field 'query_id' must be a string", null),
                arguments("k1", "{\"query_id\":\"\",\"sql\":\"S\"}", "invalid query id", null),
                arguments("k1", "{\"query_id\":\"has space\",\"sql\":\"S\"}", "invalid query id", null),
                arguments("k1", "{\"query_id\":\"" + "a".repeat(129) + "\",\"sql\":\"S\"}", "invalid query id", null),
                arguments("bad key!", "{\"sql\":\"S\"}", "invalid query id", null),
                arguments("k1", "{\"sql\":\"S\",\"bindings\":{}}", "'bindings' must be an array", "k1"),
                arguments("k1", "{\"sql\":\"S\",\"bindings\":[[1]]}", "bindings[0] must be", "k1"),
                arguments("k1", "{\"sql\":\"S\",\"bindings\":[{\"a\":1}]}", "bindings[0] must be", "k1"),
                arguments("k1", "{\"sql\":\"S\",\"bindings\":[" + "1,".repeat(1000) + "1]}", "more than 1000", "k1"),
                arguments("k1", "{\"sql\":\"S\",\"options\":[]}", "'options' must be an object", "k1"),
                arguments("k1", "{\"sql\":\"S\",\"options\":{\"page_size\":10}}", "unknown option 'page_size'", "k1"),
                arguments("k1", "{\"sql\":\"S\",\"options\":{\"timeout_ms\":0}}", "option 'timeout_ms' must be between", "k1"),
                arguments("k1", "{\"sql\":\"S\",\"options\":{\"timeout_ms\":-5}}", "option 'timeout_ms' must be between", "k1"),
                arguments("k1", "{\"sql\":\"S\",\"options\":{\"timeout_ms\":\"10\"}}", "option 'timeout_ms' must be an integer", "k1"),
                arguments("k1", "{\"sql\":\"S\",\"options\":{\"page_rows\":1.5}}", "option 'page_rows' must be an integer", "k1"),
                arguments("k1", "{\"sql\":\"S\",\"options\":{\"page_rows\":0}}", "option 'page_rows' must be between", "k1"),
                arguments("k1", "{\"sql\":\"S\",\"options\":{\"page_rows\":100001}}", "option 'page_rows' must be between", "k1"),
                arguments("k1", "{\"sql\":\"S\",\"options\":{\"max_rows\":-1}}", "option 'max_rows' must be between", "k1"),
                arguments("k1", "{\"sql\":\"S\",\"options\":{\"max_rows\":1e30}}", "option 'max_rows' must be an integer", "k1"),
                arguments("k1", "{\"sql\":\"S\",\"options\":{\"poll_interval_ms\":0}}", "option 'poll_interval_ms' must be between", "k1"),
                arguments("k1", "{\"sql\":\"S\",\"options\":{\"poll_interval_ms\":true}}", "must be an integer", "k1"),
                arguments("k1", "{\"sql\":\"S\",\"tags\":\"x\"}", "'tags' must be an object", "k1"),
                arguments("k1", "{\"sql\":\"S\",\"tags\":{\"a\":1}}", "tag 'a' must be a string", "k1"),
                arguments("k1", "{\"sql\":\"S\",\"tags\":{\"a\":\"" + "v".repeat(1025) + "\"}}", "too long", "k1"));
    }

    @ParameterizedTest(name = "[{index}] {2}")
    @MethodSource("badSubmits")
    void rejectsMalformedSubmitsWithAClearValidationError(String key, String value, String reason, String readableId) {
        byte[] bytes = value == null ? null : utf8(value);
        QueryRelayException e = assertThrows(QueryRelayException.class, () -> parser.parseSubmit(key(key), bytes));
        assertEquals(ErrorType.VALIDATION, e.type());
        assertTrue(e.getMessage().contains(reason), () -> "'" + e.getMessage() + "' should contain '" + reason + "'");
        assertEquals(readableId, CommandParser.readableQueryId(key(key), bytes));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "k|not json|not valid JSON",
            "k|{\"query_id\":\"q\",\"reason\":7}|'reason' must be a string",
            "k|{\"query_id\":\"q\",\"sql\":\"x\"}|unknown field 'sql'",
            "|{}|no key",
            "k|{\"query_id\":\"a b\"}|invalid query id"})
    void rejectsMalformedCancels(String key, String value, String reason) {
        QueryRelayException e = assertThrows(QueryRelayException.class, () -> parser.parseCancel(key(key), utf8(value)));
        assertEquals(ErrorType.VALIDATION, e.type());
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    @Test
    void invalidUtf8IsAValidationError() {
        byte[] bytes = {'{', '"', 's', 'q', 'l', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        QueryRelayException e = assertThrows(QueryRelayException.class, () -> parser.parseSubmit(key("k"), bytes));
        assertEquals(ErrorType.VALIDATION, e.type());
    }

    @Test
    void randomBytesNeverEscapeAsAnythingButValidation() {
        Random random = new Random(42);
        for (int i = 0; i < 2000; i++) {
            byte[] bytes = new byte[random.nextInt(64)];
            random.nextBytes(bytes);
            if (i % 2 == 0 && bytes.length > 0) {
                bytes[0] = '{';
            }
            try {
                parser.parseSubmit(key("k"), bytes);
            } catch (QueryRelayException e) {
                assertEquals(ErrorType.VALIDATION, e.type());
            }
            try {
                parser.parseCancel(key("k"), bytes);
            } catch (QueryRelayException e) {
                assertEquals(ErrorType.VALIDATION, e.type());
            }
            CommandParser.readableQueryId(key("k"), bytes);
        }
    }

    @Test
    void aQueryIdFieldThatIsInvalidIsNotReadableEvenWithAGoodKey() {
        assertNull(CommandParser.readableQueryId(key("good"), utf8("{\"query_id\":\"bad id\"}")));
        assertEquals("good", CommandParser.readableQueryId(key("good"), utf8("garbage")));
    }

    @Test
    void onlyUtf8ValuesAreAccepted() {
        String json = "{\"query_id\":\"q\",\"sql\":\"SELECT 1\"}";
        for (var charset : List.of(StandardCharsets.UTF_16, StandardCharsets.UTF_16LE, StandardCharsets.UTF_16BE,
                Charset.forName("UTF-32"))) {
            QueryRelayException e = assertThrows(QueryRelayException.class,
                    () -> parser.parseSubmit(key("q"), json.getBytes(charset)), charset::name);
            assertEquals(ErrorType.VALIDATION, e.type());
            assertTrue(e.getMessage().contains("not UTF-8 JSON"), e.getMessage());
        }
        byte[] withBom = ("\uFEFF" + json).getBytes(StandardCharsets.UTF_8);
        QueryRelayException bom = assertThrows(QueryRelayException.class, () -> parser.parseSubmit(key("q"), withBom));
        assertTrue(bom.getMessage().contains("byte order mark"), bom.getMessage());
        assertEquals("q", parser.parseSubmit(key("q"), utf8(json)).queryId());
    }

    @Test
    void aKeyThatIsNotUtf8IsNeverAnIdButAnIdFieldStillCounts() {
        byte[] badKey = {'q', (byte) 0xFF, '1'};
        QueryRelayException e = assertThrows(QueryRelayException.class,
                () -> parser.parseSubmit(badKey, utf8("{\"sql\":\"SELECT 1\"}")));
        assertTrue(e.getMessage().contains("key is not valid UTF-8"), e.getMessage());
        assertNull(CommandParser.readableQueryId(badKey, utf8("{\"sql\":\"SELECT 1\"}")));
        assertEquals("q1", parser.parseSubmit(badKey, utf8("{\"query_id\":\"q1\",\"sql\":\"SELECT 1\"}")).queryId());
    }

    @Test
    void aSubmitKeepsTheTextItWasSentAs() {
        String json = "{ \"query_id\" : \"q\", \"sql\" : \"SELECT 'é'\", \"bindings\" : [1.50] }";
        assertEquals(json, parser.parseSubmit(null, utf8(json)).json());
    }

    @Test
    void theUtf8CheckAgreesWithTheJdksStrictDecoder() {
        Random random = new Random(7);
        java.nio.charset.CharsetDecoder strict = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = new byte[random.nextInt(8)];
            random.nextBytes(bytes);
            boolean jdk;
            try {
                strict.decode(java.nio.ByteBuffer.wrap(bytes));
                jdk = true;
            } catch (java.nio.charset.CharacterCodingException e) {
                jdk = false;
            }
            assertEquals(jdk, Utf8.isWellFormed(bytes), () -> java.util.HexFormat.of().formatHex(bytes));
        }
        for (String text : List.of("", "plain", "é", "€", "😀", "\uFFFF", "日本語")) {
            assertTrue(Utf8.isWellFormed(text.getBytes(StandardCharsets.UTF_8)), text);
        }
    }
}
