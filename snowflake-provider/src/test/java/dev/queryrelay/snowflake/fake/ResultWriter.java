package dev.queryrelay.snowflake.fake;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Writes a {@link FakeResult} in Snowflake's JSON result format: the first rows inline, the rest
 * as chunks ({@code [..],[..]} without outer brackets) that the driver downloads by URL.
 */
final class ResultWriter {

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final int SELECT_STATEMENT_TYPE = 0x1000;

    private final int inlineRows;
    private final int chunkRows;

    ResultWriter(int inlineRows, int chunkRows) {
        this.inlineRows = inlineRows;
        this.chunkRows = chunkRows;
    }

    /** The {@code data} object of a result response; chunk URLs are {@code chunkUrlPrefix + index}. */
    ObjectNode data(String queryId, FakeResult result, String chunkUrlPrefix) {
        ObjectNode data = NODES.objectNode();
        ArrayNode rowtype = data.putArray("rowtype");
        for (FakeColumn column : result.columns()) {
            ObjectNode type = rowtype.addObject();
            type.put("name", column.name());
            type.put("type", column.type());
            type.put("nullable", column.nullable());
            type.put("precision", column.precision());
            type.put("scale", column.scale());
            type.put("length", "text".equals(column.type()) ? 16_777_216 : 0);
            type.put("byteLength", "text".equals(column.type()) ? 16_777_216 : 0);
            type.put("database", "");
            type.put("schema", "");
            type.put("table", "");
        }
        long inline = Math.min(inlineRows, result.rowCount());
        ArrayNode rowset = data.putArray("rowset");
        for (long i = 0; i < inline; i++) {
            ArrayNode row = rowset.addArray();
            result.row().apply(i).forEach(row::add);
        }
        long chunkCount = chunkCount(result);
        if (chunkCount > 0) {
            ArrayNode chunks = data.putArray("chunks");
            for (int c = 0; c < chunkCount; c++) {
                long[] range = chunkRange(result, c);
                int size = chunk(result, c).length;
                ObjectNode chunk = chunks.addObject();
                chunk.put("url", chunkUrlPrefix + c);
                chunk.put("rowCount", range[1] - range[0]);
                chunk.put("uncompressedSize", size);
                chunk.put("compressedSize", size);
            }
        }
        data.put("total", result.rowCount());
        data.put("returned", result.rowCount());
        data.put("queryId", queryId);
        data.put("queryResultFormat", "json");
        data.put("statementTypeId", SELECT_STATEMENT_TYPE);
        data.put("version", 1);
        return data;
    }

    long chunkCount(FakeResult result) {
        long rest = result.rowCount() - Math.min(inlineRows, result.rowCount());
        return (rest + chunkRows - 1) / chunkRows;
    }

    /** The body of chunk {@code index}. */
    byte[] chunk(FakeResult result, int index) {
        long[] range = chunkRange(result, index);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            for (long i = range[0]; i < range[1]; i++) {
                if (i > range[0]) {
                    out.write(',');
                }
                writeRow(out, result.row().apply(i));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private long[] chunkRange(FakeResult result, int index) {
        long start = Math.min(inlineRows, result.rowCount()) + (long) index * chunkRows;
        if (index < 0 || start >= result.rowCount()) {
            throw new IllegalArgumentException("no chunk " + index);
        }
        return new long[] {start, Math.min(start + chunkRows, result.rowCount())};
    }

    private static void writeRow(OutputStream out, List<String> cells) throws IOException {
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            json.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
            json.writeStartArray();
            for (String cell : cells) {
                json.writeString(cell);
            }
            json.writeEndArray();
        }
    }
}
