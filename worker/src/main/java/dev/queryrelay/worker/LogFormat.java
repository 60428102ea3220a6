package dev.queryrelay.worker;

import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * The format of the worker's log lines, chosen by {@code QUERYRELAY_LOG_FORMAT} ({@code text}, the
 * default, or {@code json}: one JSON object per line, see logback.xml), and the lines the worker
 * process writes for its operator in that format: in JSON every line of the process is a log event,
 * so that a log shipper parses them all.
 */
final class LogFormat {

    static final String ENV = "QUERYRELAY_LOG_FORMAT";

    private final boolean json;

    private LogFormat(boolean json) {
        this.json = json;
    }

    /** Reads the format from the environment; checked before anything logs, since logback reads the same variable. */
    static LogFormat from(Map<String, String> environment) {
        String value = environment.getOrDefault(ENV, "text");
        return switch (value) {
            case "text" -> new LogFormat(false);
            case "json" -> new LogFormat(true);
            default -> throw new IllegalArgumentException(ENV + " must be text or json, got '" + value + "'");
        };
    }

    /** A line for the operator: on standard output as text, an INFO event when logs are JSON. */
    void announce(String line) {
        if (json) {
            LoggerFactory.getLogger(WorkerMain.class).info(line);
        } else {
            System.out.println(line);
        }
    }

    /** Why the process stops: one line on standard error as text, an ERROR event when logs are JSON. */
    void fatal(String line) {
        if (json) {
            LoggerFactory.getLogger(WorkerMain.class).error(line);
        } else {
            System.err.println(line);
        }
    }

    /** Writes out the lines still queued in the asynchronous appender; the last thing the process does. */
    static void flush() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.stop();
        }
    }
}
