package dev.queryrelay.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.queryrelay.api.ColumnMeta;
import dev.queryrelay.api.ErrorInfo;
import dev.queryrelay.api.JsonValue;
import dev.queryrelay.api.QueryPage;
import dev.queryrelay.api.QuerySnapshot;
import dev.queryrelay.api.QueryStatus;

import java.io.IOException;
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
import java.util.Objects;
import java.util.Set;

/**
 * Writes status events and result pages as the JSON of docs/protocol.md, as UTF-8 bytes. Thread-safe;
 * one instance per worker (its id and provider name are in every event).
 */
public final class EventCodec {

    private static final SerializedString F_AT = new SerializedString("at");
    private static final SerializedString F_CODE = new SerializedString("code");
    private static final SerializedString F_COLUMNS = new SerializedString("columns");
    private static final SerializedString F_ERROR = new SerializedString("error");
    private static final SerializedString F_EXECUTION_MS = new SerializedString("execution_ms");
    private static final SerializedString F_LAST = new SerializedString("last");
    private static final SerializedString F_MESSAGE = new SerializedString("message");
    private static final SerializedString F_NAME = new SerializedString("name");
    private static final SerializedString F_NULLABLE = new SerializedString("nullable");
    private static final SerializedString F_OFFSET = new SerializedString("offset");
    private static final SerializedString F_PAGE = new SerializedString("page");
    private static final SerializedString F_PAGES = new SerializedString("pages");
    private static final SerializedString F_PRECISION = new SerializedString("precision");
    private static final SerializedString F_PROVIDER = new SerializedString("provider");
    private static final SerializedString F_PROVIDER_QUERY_ID = new SerializedString("provider_query_id");
    private static final SerializedString F_QUERY_ID = new SerializedString("query_id");
    private static final SerializedString F_RETRYABLE = new SerializedString("retryable");
    private static final SerializedString F_ROW_COUNT = new SerializedString("row_count");
    private static final SerializedString F_ROWS = new SerializedString("rows");
    private static final SerializedString F_SCALE = new SerializedString("scale");
    private static final SerializedString F_SEQ = new SerializedString("seq");
    private static final SerializedString F_SQL_STATE = new SerializedString("sql_state");
    private static final SerializedString F_STATUS = new SerializedString("status");
    private static final SerializedString F_TRUNCATED = new SerializedString("truncated");
    private static final SerializedString F_TYPE = new SerializedString("type");
    private static final SerializedString F_WORKER = new SerializedString("worker");

    private final String worker;
    private final String provider;

    public EventCodec(String worker, String provider) {
        this.worker = Objects.requireNonNull(worker, "worker");
        this.provider = Objects.requireNonNull(provider, "provider");
    }

    /** The status event of a snapshot. */
    public byte[] status(QuerySnapshot snapshot) {
        return Json.write(json -> {
            json.writeStartObject();
            Json.string(json, F_QUERY_ID, snapshot.queryId());
            Json.string(json, F_STATUS, snapshot.status().name());
            Json.number(json, F_SEQ, snapshot.seq());
            Json.string(json, F_AT, Timestamps.format(snapshot.updatedAt()));
            Json.string(json, F_WORKER, worker);
            Json.string(json, F_PROVIDER, provider);
            if (snapshot.providerQueryId() != null) {
                Json.string(json, F_PROVIDER_QUERY_ID, snapshot.providerQueryId());
            }
            if (snapshot.status().isTerminal()) {
                Json.number(json, F_ROW_COUNT, snapshot.rowCount());
                Json.number(json, F_PAGES, snapshot.pages());
                Json.bool(json, F_TRUNCATED, snapshot.truncated());
            }
            if (!snapshot.columns().isEmpty()) {
                writeColumns(json, snapshot.columns(), names(snapshot.columns()).names());
            }
            if (snapshot.executionMs() != null) {
                Json.number(json, F_EXECUTION_MS, snapshot.executionMs());
            }
            if (snapshot.error() != null) {
                writeError(json, snapshot.error());
            }
            json.writeEndObject();
        });
    }

    /** The single event of a submit rejected before it was accepted. */
    public byte[] rejected(String queryId, ErrorInfo error, Instant at) {
        return Json.write(json -> {
            json.writeStartObject();
            Json.string(json, F_QUERY_ID, queryId);
            Json.string(json, F_STATUS, QueryStatus.FAILED.name());
            Json.number(json, F_SEQ, 1);
            Json.string(json, F_AT, Timestamps.format(at));
            Json.string(json, F_WORKER, worker);
            Json.string(json, F_PROVIDER, provider);
            Json.number(json, F_ROW_COUNT, 0);
            Json.number(json, F_PAGES, 0);
            Json.bool(json, F_TRUNCATED, false);
            writeError(json, error);
            json.writeEndObject();
        });
    }

    /** The result page message of a page. */
    public byte[] page(QueryPage page) {
        ColumnNames names = names(page.columns());
        return Json.write(json -> {
            json.writeStartObject();
            Json.string(json, F_QUERY_ID, page.queryId());
            Json.number(json, F_PAGE, page.page());
            Json.number(json, F_OFFSET, page.offset());
            writeColumns(json, page.columns(), names.names());
            json.writeFieldName(F_ROWS);
            json.writeStartArray();
            SerializedString[] keys = names.keys();
            for (List<Object> row : page.rows()) {
                json.writeStartObject();
                for (int i = 0; i < row.size(); i++) {
                    if (i < keys.length) {
                        json.writeFieldName(keys[i]);
                    } else {
                        json.writeFieldName("COLUMN_" + (i + 1));
                    }
                    writeValue(json, row.get(i));
                }
                json.writeEndObject();
            }
            json.writeEndArray();
            Json.bool(json, F_LAST, page.last());
            json.writeEndObject();
        });
    }

    /** The unique names of a column list, and as field names; the last list's are kept, as a query's pages share one. */
    private record ColumnNames(List<ColumnMeta> columns, List<String> names, SerializedString[] keys) {
    }

    private volatile ColumnNames lastNames = new ColumnNames(List.of(), List.of(), new SerializedString[0]);

    private ColumnNames names(List<ColumnMeta> columns) {
        ColumnNames last = lastNames;
        if (last.columns() == columns) {
            return last;
        }
        List<String> names = uniqueNames(columns);
        ColumnNames made = new ColumnNames(columns, names, names.stream().map(SerializedString::new).toArray(SerializedString[]::new));
        lastNames = made;
        return made;
    }

    /** Column names made unique as pages and events carry them: a repeated name gets {@code _2}, {@code _3}, ... */
    public static List<String> uniqueNames(List<ColumnMeta> columns) {
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
        json.writeFieldName(F_COLUMNS);
        json.writeStartArray();
        for (int i = 0; i < columns.size(); i++) {
            ColumnMeta column = columns.get(i);
            json.writeStartObject();
            Json.string(json, F_NAME, names.get(i));
            Json.string(json, F_TYPE, column.type());
            Json.bool(json, F_NULLABLE, column.nullable());
            if (column.precision() != null) {
                Json.number(json, F_PRECISION, column.precision());
            }
            if (column.scale() != null) {
                Json.number(json, F_SCALE, column.scale());
            }
            json.writeEndObject();
        }
        json.writeEndArray();
    }

    private static void writeError(JsonGenerator json, ErrorInfo error) throws IOException {
        json.writeFieldName(F_ERROR);
        json.writeStartObject();
        Json.string(json, F_TYPE, error.type().name());
        Json.string(json, F_MESSAGE, error.message());
        if (error.code() != null) {
            Json.string(json, F_CODE, error.code());
        }
        if (error.sqlState() != null) {
            Json.string(json, F_SQL_STATE, error.sqlState());
        }
        Json.bool(json, F_RETRYABLE, error.retryable());
        json.writeEndObject();
    }

    private static void writeValue(JsonGenerator json, Object value) throws IOException {
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
            json.writeTree(Json.MAPPER.readTree(j.json()));
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
}
