package dev.queryrelay.worker;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * The worker's liveness (its consumer and publisher threads run) and readiness (also: it owns
 * command partitions and has taken them over, the warehouse answers, the producer commits under a
 * valid ownership lease), each as a {@link Result} with every check's verdict.
 */
final class HealthChecks {

    /** One check; {@link #problem()} is null when it passes, else why it fails. */
    @FunctionalInterface
    interface Check {
        String problem();
    }

    /** Whether every check passed, and each check's problem (null: passed), in order. */
    record Result(boolean up, Map<String, String> problems) {

        /** The JSON body of a health endpoint. */
        Map<String, Object> body() {
            Map<String, Object> checks = new LinkedHashMap<>();
            problems.forEach((name, problem) -> checks.put(name, problem == null
                    ? Map.of("status", "UP") : Map.of("status", "DOWN", "reason", problem)));
            return Map.of("status", up ? "UP" : "DOWN", "checks", checks);
        }
    }

    private final Map<String, Check> live = new LinkedHashMap<>();
    private final Map<String, Check> ready = new LinkedHashMap<>();

    HealthChecks(BooleanSupplier consumerAlive, BooleanSupplier publisherAlive, Check partitions, Check provider,
                 BooleanSupplier leaseValid) {
        Objects.requireNonNull(leaseValid, "leaseValid");
        live.put("consumer", alive(consumerAlive, "the consumer thread has ended"));
        live.put("publisher", alive(publisherAlive, "the publisher thread has ended"));
        ready.putAll(live);
        ready.put("partitions", Objects.requireNonNull(partitions, "partitions"));
        ready.put("provider", Objects.requireNonNull(provider, "provider"));
        ready.put("producer", () -> !publisherAlive.getAsBoolean() ? "the publisher thread has ended"
                : leaseValid.getAsBoolean() ? null : "no transaction committed within the ownership lease");
    }

    /** Up while the consumer and publisher threads run. */
    Result live() {
        return run(live);
    }

    /** Up when alive, with partitions taken over, the warehouse answering and the producer committing. */
    Result ready() {
        return run(ready);
    }

    /** The result of a worker that is still starting. */
    static Result starting() {
        return new Result(false, Map.of("worker", "starting"));
    }

    private static Check alive(BooleanSupplier thread, String problem) {
        Objects.requireNonNull(thread, "thread");
        return () -> thread.getAsBoolean() ? null : problem;
    }

    private static Result run(Map<String, Check> checks) {
        Map<String, String> problems = new LinkedHashMap<>();
        boolean up = true;
        for (Map.Entry<String, Check> check : checks.entrySet()) {
            String problem = check.getValue().problem();
            problems.put(check.getKey(), problem);
            up &= problem == null;
        }
        return new Result(up, Collections.unmodifiableMap(problems));
    }
}
