package dev.queryrelay.registry;

import dev.queryrelay.api.ColumnMeta;
import dev.queryrelay.api.ErrorType;
import dev.queryrelay.api.QueryPage;
import dev.queryrelay.api.QueryRelayException;
import dev.queryrelay.api.ResultCursor;
import dev.queryrelay.api.WarehouseConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Streams a succeeded query's result to the listeners in pages cut under {@code page_rows} and a
 * byte bound, stopping at {@code max_rows} (the result is then truncated when rows remain); always
 * at least one page, the last one flagged. Each page's reads are one bounded warehouse call, and a
 * page whose reads fail retryably is read again from a new cursor that skips the rows delivered.
 * The next page is read only once the listeners had the previous one.
 */
final class ResultStreamer {

    private static final Logger log = LoggerFactory.getLogger(ResultStreamer.class);

    private final WarehouseConnection connection;
    private final WarehouseCalls calls;
    private final PageSizer sizer;
    private final long maxPageBytes;

    ResultStreamer(WarehouseConnection connection, WarehouseCalls calls, PageSizer sizer, long maxPageBytes) {
        this.connection = connection;
        this.calls = calls;
        this.sizer = sizer;
        this.maxPageBytes = maxPageBytes;
    }

    void stream(QueryLifecycle query) {
        new Stream(query).readNext();
    }

    /** A page read, with the cursor it was read from. */
    private record Read(Reader reader, List<List<Object>> rows, boolean last, boolean truncated) {
    }

    /** The pages of one query, read and delivered one after the other. */
    private final class Stream {
        private final QueryLifecycle query;
        private final String providerQueryId;
        private final int pageRows;
        private final long maxRows;
        private Reader reader;
        private long delivered;
        private int pageIndex;

        Stream(QueryLifecycle query) {
            this.query = query;
            this.providerQueryId = query.providerQueryId();
            this.pageRows = query.request.options().pageRows();
            Long cap = query.request.options().maxRows();
            this.maxRows = cap == null ? Long.MAX_VALUE : cap;
        }

        void readNext() {
            if (query.phase() != Phase.RUNNING) {
                abandonReader();
                return;
            }
            calls.<Read>retried(attempt -> {
                if (attempt > 1) {
                    abandonReader();
                }
                Reader current = reader;
                return calls.once(CallObserver.RESULTS, providerQueryId + " (page " + pageIndex + ")",
                        () -> read(current), late -> late.reader().abandon());
            }).whenComplete((read, failure) -> {
                if (failure != null) {
                    abandonReader();
                    query.fail(Errors.errorOf(failure));
                } else {
                    reader = read.reader();
                    deliver(read);
                }
            });
        }

        private Read read(Reader current) {
            Reader from = current;
            if (from == null) {
                from = new Reader(connection.results(providerQueryId), delivered);
                query.columns(from.columns);
            }
            try {
                return from.page(pageRows, maxRows - delivered, delivered);
            } catch (RuntimeException e) {
                if (current == null) {
                    from.abandon();
                }
                throw e;
            }
        }

        private void deliver(Read read) {
            QueryPage page = new QueryPage(query.id(), pageIndex, delivered, read.reader().columns, read.rows(), read.last());
            CompletableFuture<Void> taken = query.page(page, read.truncated());
            if (taken == null || !await(taken)) {
                abandonReader();
                return;
            }
            delivered += read.rows().size();
            pageIndex++;
            if (read.last()) {
                abandonReader();
                query.succeed();
            } else {
                readNext();
            }
        }

        private boolean await(CompletableFuture<Void> taken) {
            try {
                taken.get();
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (ExecutionException e) {
                return false;
            }
        }

        private void abandonReader() {
            Reader abandoned = reader;
            reader = null;
            if (abandoned != null) {
                abandoned.abandon();
            }
        }
    }

    /**
     * An open cursor and the row read ahead of the page in hand. Used by one page read at a time;
     * abandoned while a read is still in it (past its deadline), it is closed when that read returns.
     */
    private final class Reader {
        private final ResultCursor cursor;
        final List<ColumnMeta> columns;
        private List<Object> ahead;
        private boolean reading;
        private boolean abandoned;

        /** Opens the cursor past the {@code skip} rows already delivered. */
        Reader(ResultCursor cursor, long skip) {
            this.cursor = cursor;
            try {
                this.columns = List.copyOf(cursor.columns());
                for (long i = 0; i < skip && cursor.next() != null; i++) {
                    // rows delivered from an earlier cursor
                }
                this.ahead = cursor.next();
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }

        Read page(int pageRows, long room, long delivered) {
            synchronized (this) {
                reading = true;
            }
            try {
                List<List<Object>> rows = new ArrayList<>(Math.min(pageRows, 64));
                long bytes = 0;
                while (ahead != null && rows.size() < room && rows.size() < pageRows) {
                    long size = sizer.estimate(columns, ahead);
                    if (size > maxPageBytes) {
                        throw new QueryRelayException(ErrorType.INTERNAL, "row " + (delivered + rows.size() + 1)
                                + " takes about " + size + " bytes, more than the page byte bound of " + maxPageBytes);
                    }
                    if (!rows.isEmpty() && bytes + size > maxPageBytes) {
                        break;
                    }
                    rows.add(ahead);
                    bytes += size;
                    ahead = cursor.next();
                }
                boolean capped = rows.size() >= room;
                return new Read(this, rows, ahead == null || capped, capped && ahead != null);
            } finally {
                boolean closeNow;
                synchronized (this) {
                    reading = false;
                    closeNow = abandoned;
                }
                if (closeNow) {
                    close();
                }
            }
        }

        void abandon() {
            synchronized (this) {
                if (abandoned) {
                    return;
                }
                abandoned = true;
                if (reading) {
                    return;
                }
            }
            close();
        }

        private void close() {
            try {
                cursor.close();
            } catch (RuntimeException e) {
                log.debug("closing a result cursor failed: {}", e.toString());
            }
        }
    }
}
