package dev.queryrelay.mock;

import dev.queryrelay.api.ErrorType;
import dev.queryrelay.api.QueryRelayException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;

/**
 * The mock warehouse's record of every execution it accepted, one line {@code QUERY_ID PROVIDER_ID}
 * per start, appended to a file that several processes may share (setting {@code journal}): what
 * a real warehouse's query history would show, so a test can count how often a query really ran,
 * and a worker can look up an execution another process started ({@link #newest}), as the
 * Snowflake provider looks one up in the query history.
 */
final class StartJournal {

    /** How much earlier than the query's creation its execution may have started (as the Snowflake provider allows). */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

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

    /**
     * The execution of {@code queryId} that started last, not earlier than {@link #CLOCK_SKEW}
     * before {@code notBeforeMillis}; empty when the journal has none (or does not exist yet). A
     * line still being written (no line end yet) is not read. A journal that cannot be read is a
     * retryable failure.
     */
    Optional<String> newest(String queryId, long notBeforeMillis) {
        long earliest = notBeforeMillis - CLOCK_SKEW.toMillis();
        String prefix = queryId + " ";
        String journal;
        try {
            journal = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new QueryRelayException(ErrorType.NETWORK, "cannot read the mock journal " + file + ": " + e.getMessage(),
                    true, e);
        }
        MockQueryId newest = null;
        for (int start = 0, end = journal.indexOf('\n'); end >= 0; start = end + 1, end = journal.indexOf('\n', start)) {
            if (!journal.startsWith(prefix, start)) {
                continue;
            }
            MockQueryId started = MockQueryId.parse(journal.substring(start + prefix.length(), end));
            if (started != null && started.startMillis() >= earliest
                    && (newest == null || started.startMillis() >= newest.startMillis())) {
                newest = started;
            }
        }
        return Optional.ofNullable(newest).map(MockQueryId::value);
    }
}
