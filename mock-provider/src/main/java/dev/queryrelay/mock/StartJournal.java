package dev.queryrelay.mock;

import dev.queryrelay.api.ErrorType;
import dev.queryrelay.api.QueryRelayException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The mock warehouse's record of every execution it accepted, one line {@code QUERY_ID PROVIDER_ID}
 * per start, appended to a file that several processes may share (setting {@code journal}): what
 * a real warehouse's query history would show, so a test can count how often a query really ran.
 */
final class StartJournal {

    private final Path file;

    StartJournal(Path file) {
        this.file = file;
    }

    synchronized void started(String queryId, String providerQueryId) {
        try {
            Files.writeString(file, queryId + " " + providerQueryId + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new QueryRelayException(ErrorType.INTERNAL,
                    "cannot write the mock journal " + file + ": " + e.getMessage());
        }
    }
}
