package dev.queryrelay.worker;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.queryrelay.api.ColumnMeta;
import dev.queryrelay.api.ErrorInfo;
import dev.queryrelay.api.JsonValue;
import dev.queryrelay.api.QueryPage;
import dev.queryrelay.api.QuerySnapshot;
import dev.queryrelay.api.QueryStatus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Writes status events and result pages as the JSON of docs/protocol.md. */
final class EventCodec {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();
    private static final JsonFactory FACTORY = MAPPER.getFactory();

    private final String worker;
    private final String provider;

    EventCodec(String worker, String provider) {
        this.worker = worker;
        this.provider = provider;
    }

    byte[] status(QuerySnapshot snapshot) {
        return write(json -> {
            json.writeStartObject();
            json.writeStringField("query_id", snapshot.queryId());
            json.writeStringField("status", snapshot.status().name());
            json.writeNumberField("seq", snapshot.seq());
            json.writeStringField("at", Timestamps.format(snapshot.updatedAt()));
            json.writeStringField("worker", worker);
            json.writeStringField("provider", provider);
            if (snapshot.providerQueryId() != null) {
                json.writeStringField("provider_query_id", snapshot.providerQueryId());
            }
            if (snapshot.status().isTerminal()) {
                json.writeNumberField("row_count", snapshot.rowCount());
                json.writeNumberField("pages", snapshot.pages());
                json.writeBooleanField("truncated", snapshot.truncated());
            }
            if (!snapshot.columns().isEmpty()) {
                writeColumns(json, snapshot.columns(), uniqueNames(snapshot.columns()));
            }
            if (snapshot.executionMs() != null) {
                json.writeNumberField("execution_ms", snapshot.executionMs());
            }
            if (snapshot.error() != null) {
                writeError(json, snapshot.error());
            }
            json.writeEndObject();
        });
    }

    /** The single event of a submit rejected before it was accepted. */
    byte[] rejected(String queryId, ErrorInfo error, Instant at) {
        return write(json -> {
            json.writeStartObject();
            json.writeStringField("query_id", queryId);
            json.writeStringField("status", QueryStatus.FAILED.name());
            json.writeNumberField("seq", 1);
            json.writeStringField("at", Timestamps.format(at));
            json.writeStringField("worker", worker);
            json.writeStringField("provider", provider);
            json.writeNumberField("row_count", 0);
            json.writeNumberField("pages", 0);
            json.writeBooleanField("truncated", false);
            writeError(json, error);
            json.writeEndObject();
        });
    }

    byte[] page(QueryPage page) {
        List<String> names = uniqueNames(page.columns());
        return write(json -> {
            json.writeStartObject();
            json.writeStringField("query_id", page.queryId());
            json.writeNumberField("page", page.page());
            json.writeNumberField("offset", page.offset());
            writeColumns(json, page.columns(), names);
            json.writeArrayFieldStart("rows");
            for (List<Object> row : page.rows()) {
                json.writeStartObject();
                for (int i = 0; i < row.size(); i++) {
                    json.writeFieldName(i < names.size() ? names.get(i) : "COLUMN_" + (i + 1));
                    writeValue(json, row.get(i));
                }
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeBooleanField("last", page.last());
            json.writeEndObject();
        });
    }

    static List<String> uniqueNames(List<ColumnMeta> columns) {
        List<String> names = new ArrayList<>(columns.size());
        Set<String> seen = new HashSet<>();
        for (ColumnMeta column : columns) {
            String name = column.name();
            for (int n = 2; !seen.add(name); n++) {
                name = column.name() + "_" + n;
            }
            names.add(name);
        }
        return names;
    }

    private static void writeColumns(JsonGenerator json, List<ColumnMeta> columns, List<String> names) throws IOException {
        json.writeArrayFieldStart("columns");
        for (int i = 0; i < columns.size(); i++) {
            ColumnMeta column = columns.get(i);
            json.writeStartObject();
            json.writeStringField("name", names.get(i));
            json.writeStringField("type", column.type());
            json.writeBooleanField("nullable", column.nullable());
            if (column.precision() != null) {
                json.writeNumberField("precision", column.precision());
            }
            if (column.scale() != null) {
                json.writeNumberField("scale", column.scale());
            }
            json.writeEndObject();
        }
        json.writeEndArray();
    }

    private static void writeError(JsonGenerator json, ErrorInfo error) throws IOException {
        json.writeObjectFieldStart("error");
        json.writeStringField("type", error.type().name());
        json.writeStringField("message", error.message());
        if (error.code() != null) {
            json.writeStringField("code", error.code());
        }
        if (error.sqlState() != null) {
            json.writeStringField("sql_state", error.sqlState());
        }
        json.writeBooleanField("retryable", error.retryable());
        json.writeEndObject();
    }

    static void writeValue(JsonGenerator json, Object value) throws IOException {
        if (value == null) {
            json.writeNull();
        } else if (value instanceof String s) {
            json.writeString(s);
        } else if (value instanceof Long l) {
            json.writeNumber(l);
        } else if (value instanceof Integer i) {
            json.writeNumber(i);
        } else if (value instanceof BigDecimal d) {
            json.writeNumber(d.toPlainString());
        } else if (value instanceof BigInteger b) {
            json.writeNumber(b);
        } else if (value instanceof Double d) {
            if (d.isNaN() || d.isInfinite()) {
                json.writeString(d.toString());
            } else {
                json.writeNumber(d);
            }
        } else if (value instanceof Float f) {
            writeValue(json, f.doubleValue());
        } else if (value instanceof Short || value instanceof Byte) {
            json.writeNumber(((Number) value).intValue());
        } else if (value instanceof Boolean b) {
            json.writeBoolean(b);
        } else if (value instanceof byte[] bytes) {
            json.writeBinary(bytes);
        } else if (value instanceof JsonValue j) {
            json.writeTree(MAPPER.readTree(j.json()));
        } else if (value instanceof LocalDateTime t) {
            json.writeString(DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(t));
        } else if (value instanceof LocalDate d) {
            json.writeString(DateTimeFormatter.ISO_LOCAL_DATE.format(d));
        } else if (value instanceof LocalTime t) {
            json.writeString(DateTimeFormatter.ISO_LOCAL_TIME.format(t));
        } else if (value instanceof OffsetDateTime t) {
            json.writeString(DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t));
        } else if (value instanceof ZonedDateTime t) {
            json.writeString(DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t));
        } else if (value instanceof Instant t) {
            json.writeString(DateTimeFormatter.ISO_INSTANT.format(t));
        } else {
            json.writeString(value.toString());
        }
    }

    private interface JsonWriter {
        void write(JsonGenerator json) throws IOException;
    }

    private static byte[] write(JsonWriter writer) {
        try (ByteArrayBuilder bytes = new ByteArrayBuilder(256);
             JsonGenerator json = FACTORY.createGenerator(bytes)) {
            writer.write(json);
            json.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
