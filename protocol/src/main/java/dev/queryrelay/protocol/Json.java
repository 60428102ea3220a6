package dev.queryrelay.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;

/** The protocol's JSON: one mapper (decimals read exactly, trailing zeros kept) and streaming writes. */
public final class Json {

    /** Reads numbers as the parser does: decimals exactly, trailing zeros kept. */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();
    private static final JsonFactory FACTORY = MAPPER.getFactory();

    private Json() {
    }

    /** Writes one JSON document. */
    @FunctionalInterface
    public interface Writer {
        void write(JsonGenerator json) throws IOException;
    }

    /** One JSON document written by {@code writer}, as UTF-8 bytes. */
    public static byte[] write(Writer writer) {
        try (ByteArrayBuilder bytes = new ByteArrayBuilder(512);
             JsonGenerator json = FACTORY.createGenerator(bytes)) {
            writer.write(json);
            json.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void string(JsonGenerator json, SerializableString name, String value) throws IOException {
        json.writeFieldName(name);
        json.writeString(value);
    }

    public static void number(JsonGenerator json, SerializableString name, long value) throws IOException {
        json.writeFieldName(name);
        json.writeNumber(value);
    }

    public static void bool(JsonGenerator json, SerializableString name, boolean value) throws IOException {
        json.writeFieldName(name);
        json.writeBoolean(value);
    }
}
