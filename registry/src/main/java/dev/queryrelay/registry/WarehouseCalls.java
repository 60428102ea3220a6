package dev.queryrelay.registry;

import dev.queryrelay.api.ErrorType;
import dev.queryrelay.api.QueryRelayException;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * Every warehouse call of the registry: each runs on the bounded warehouse pool with a deadline
 * ({@link #once}, kept by {@link Deadlines}), and retryable failures are attempted again after the
 * {@link Retry}'s back-off ({@link #retried}), waiting on the injected {@link Scheduler}. No
 * registry thread blocks on the warehouse except the pool thread making the call. A call made while
 * a pool thread handles the previous call's answer (a query's next step) runs on that thread once
 * the answer is handled, instead of being handed to another. Each attempt's end is told to the
 * {@link CallObserver}.
 */
final class WarehouseCalls {

    private static final Logger log = LoggerFactory.getLogger(WarehouseCalls.class);

    private final ExecutorService pool;
    private final Scheduler scheduler;
    private final Retry retry;
    private final Deadlines deadlines;
    private final Duration deadline;
    private final CallObserver observer;
    /** Per thread: while it handles a call's answer, the calls it made meanwhile, to run next on the same thread. */
    private final ThreadLocal<FollowUps> followUps = ThreadLocal.withInitial(FollowUps::new);

    /** The calls a pool thread makes while it handles an answer; kept for the thread's life (no set and remove per call). */
    private static final class FollowUps {
        final ArrayDeque<BoundedCall<?>> calls = new ArrayDeque<>();
        boolean draining;
    }

    private WarehouseCalls(ExecutorService pool, Scheduler scheduler, Retry retry, Deadlines deadlines,
                           CallObserver observer) {
        this.pool = pool;
        this.scheduler = scheduler;
        this.retry = retry;
        this.deadlines = deadlines;
        this.deadline = deadlines.allowance();
        this.observer = observer;
    }

    /** The pool and the retry of a registry built with {@code settings}; each retry counted in {@code retries}. */
    static WarehouseCalls of(QueryRegistryBuilder settings, Scheduler scheduler, LongAdder retried) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(settings.warehouseThreads, settings.warehouseThreads,
                30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                new RegistryThreads(settings.threadNamePrefix + "-warehouse", settings.logContext));
        pool.allowCoreThreadTimeOut(true);
        String retryName = settings.threadNamePrefix + "-warehouse";
        RetryRegistry retries = settings.retryRegistry != null ? settings.retryRegistry : RetryRegistry.ofDefaults();
        if (retries.find(retryName).isPresent()) {
            throw new IllegalArgumentException("the retry registry already holds a retry named '" + retryName
                    + "'; give each query registry its own threadNamePrefix");
        }
        Retry retry = retries.retry(retryName, RetryConfig.custom()
                .maxAttempts(settings.retryMaxAttempts)
                .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(
                        settings.retryInitialBackoff, 2.0, 0.5, settings.retryMaxBackoff))
                .retryOnException(Errors::isRetryable)
                .writableStackTraceEnabled(false)
                .build());
        retry.getEventPublisher().onRetry(event -> {
            retried.increment();
            log.warn("warehouse call retried (attempt {}) in {}: {}", event.getNumberOfRetryAttempts(),
                    event.getWaitInterval(), Errors.describe(event.getLastThrowable()));
        });
        return new WarehouseCalls(pool, scheduler, retry, new Deadlines(scheduler, settings.clock, settings.callTimeout),
                settings.callObserver);
    }

    Retry.Metrics retryMetrics() {
        return retry.getMetrics();
    }

    /** Stops the pool: queued calls are dropped, running ones interrupted. */
    void shutdownNow() {
        pool.shutdownNow();
    }

    boolean awaitTermination(Duration wait) throws InterruptedException {
        return pool.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A call of {@code operation} (a {@link CallObserver} constant) made through the retry, each attempt {@linkplain #once bounded}. */
    <T> CompletableFuture<T> call(String operation, String subject, Supplier<T> call) {
        return retried(attempt -> once(operation, subject, call, null));
    }

    /**
     * The attempts {@code attempt.apply(1)}, {@code attempt.apply(2)}, ... until one succeeds, one
     * fails with an error that is not retryable, or the retry's attempts are spent.
     */
    <T> CompletableFuture<T> retried(IntFunction<CompletableFuture<T>> attempt) {
        CompletableFuture<T> result = new CompletableFuture<>();
        attempt(retry.asyncContext(), 1, attempt, result);
        return result;
    }

    private <T> void attempt(Retry.AsyncContext<T> context, int number, IntFunction<CompletableFuture<T>> attempt,
                             CompletableFuture<T> result) {
        CompletableFuture<T> made;
        try {
            made = attempt.apply(number);
        } catch (RuntimeException e) {
            made = CompletableFuture.failedFuture(e);
        }
        made.whenComplete((value, failure) -> {
            if (failure == null) {
                context.onComplete();
                result.complete(value);
                return;
            }
            Throwable cause = Errors.unwrap(failure);
            long waitMillis = context.onError(cause);
            if (waitMillis < 0) {
                result.completeExceptionally(cause);
                return;
            }
            try {
                scheduler.schedule(pool, () -> attempt(context, number + 1, attempt, result), Duration.ofMillis(waitMillis));
            } catch (RejectedExecutionException e) {
                result.completeExceptionally(Errors.closed());
            }
        });
    }

    /**
     * One attempt of {@code call} on the warehouse pool. At the deadline it fails with a
     * retryable {@link ErrorType#TIMEOUT} error and the thread making the call is interrupted;
     * should the call still return, its value goes to {@code late} (if given) instead.
     * {@code operation} is a {@link CallObserver} constant, {@code subject} what it is about (for logs).
     */
    <T> CompletableFuture<T> once(String operation, String subject, Supplier<T> call, Consumer<T> late) {
        BoundedCall<T> bounded = new BoundedCall<>(operation, subject, call, late);
        deadlines.add(bounded);
        FollowUps here = followUps.get();
        if (here.draining && !pool.isShutdown()) {
            here.calls.add(bounded);
            return bounded.result;
        }
        handOff(bounded);
        return bounded.result;
    }

    private void handOff(BoundedCall<?> bounded) {
        try {
            pool.execute(bounded);
        } catch (RejectedExecutionException e) {
            deadlines.remove(bounded);
            bounded.result.completeExceptionally(Errors.closed());
        }
    }

    /** Runs a task on the warehouse pool; false when the registry is closed. */
    boolean execute(Runnable task) {
        try {
            pool.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    Executor pool() {
        return pool;
    }

    private void observe(String operation, long since, Throwable failure) {
        try {
            observer.callEnded(operation, Duration.ofNanos(System.nanoTime() - since), failure);
        } catch (RuntimeException e) {
            log.warn("the call observer failed: {}", e.toString());
        }
    }

    /** One call on a pool thread that its deadline may expire; its monitor guards its fields. */
    private final class BoundedCall<T> extends Deadlines.Entry implements Runnable {
        private final String operation;
        private final String subject;
        private final Supplier<T> call;
        private final Consumer<T> late;
        private final long handedOverAt = System.nanoTime();
        final CompletableFuture<T> result = new CompletableFuture<>();
        private Thread caller;
        private boolean expired;
        private boolean returned;

        BoundedCall(String operation, String subject, Supplier<T> call, Consumer<T> late) {
            this.operation = operation;
            this.subject = subject;
            this.call = call;
            this.late = late;
        }

        /** What the logs call this call (built only when logged: not on every call). */
        private String describe() {
            return "warehouse call " + operation + " " + subject;
        }

        /** Makes this call, then the calls made while its answer was handled, in order, on this thread. */
        @Override
        public void run() {
            FollowUps next = followUps.get();
            next.draining = true;
            try {
                makeCall();
                while (!next.calls.isEmpty() && !pool.isShutdown()) {
                    next.calls.poll().makeCall();
                }
            } finally {
                next.draining = false;
                for (BoundedCall<?> left = next.calls.poll(); left != null; left = next.calls.poll()) {
                    handOff(left); // the pool was shut down (each fails as closed), or a failure above
                }
            }
        }

        private void makeCall() {
            synchronized (this) {
                if (expired) {
                    return;
                }
                caller = Thread.currentThread();
            }
            T value = null;
            Throwable failure = null;
            try {
                value = call.get();
            } catch (Throwable e) {
                failure = e;
            }
            boolean tooLate;
            synchronized (this) {
                caller = null;
                returned = true;
                tooLate = expired;
                Thread.interrupted(); // an expiry's interrupt is for the call only
            }
            deadlines.remove(this);
            if (!tooLate) {
                observe(operation, handedOverAt, failure);
            }
            if (tooLate) {
                log.info("{} returned {} after its deadline of {} ms", describe(),
                        failure == null ? "a result" : "an error (" + Errors.describe(failure) + ")", deadline.toMillis());
                if (failure == null && late != null) {
                    late.accept(value);
                }
            } else if (failure == null) {
                result.complete(value);
            } else {
                result.completeExceptionally(failure);
            }
        }

        /** On the scheduler's thread: gives up on the call, interrupts it and fails the attempt on the pool. */
        @Override
        void expire() {
            synchronized (this) {
                if (returned || expired) {
                    return;
                }
                expired = true;
                if (caller != null) {
                    caller.interrupt();
                }
            }
            String timedOut = describe() + " did not return within " + deadline.toMillis() + " ms";
            log.warn("{}; it counts as a retryable timeout", timedOut);
            QueryRelayException timeout = new QueryRelayException(ErrorType.TIMEOUT, timedOut, true, null);
            observe(operation, handedOverAt, timeout);
            if (!execute(() -> result.completeExceptionally(timeout))) {
                result.completeExceptionally(timeout);
            }
        }
    }
}
