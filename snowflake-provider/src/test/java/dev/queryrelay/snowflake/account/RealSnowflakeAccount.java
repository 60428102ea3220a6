package dev.queryrelay.snowflake.account;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the annotated tests only against a real Snowflake account described by
 * {@link SnowflakeAccount}'s {@code SNOWFLAKE_*} variables; otherwise they are skipped with the
 * list of what is missing as the reason.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@ExtendWith(RealSnowflakeAccount.Condition.class)
public @interface RealSnowflakeAccount {

    /** Whether the test changes the warehouse (suspend, concurrency) and needs {@code SNOWFLAKE_ADMIN_TESTS=true}. */
    boolean admin() default false;

    /** The condition behind the annotation. */
    final class Condition implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            var missing = SnowflakeAccount.missing();
            if (!missing.isEmpty()) {
                return ConditionEvaluationResult.disabled("no real Snowflake account configured: set "
                        + String.join(", ", missing) + " (see docs/providers.md, \"Testing against a real account\")");
            }
            boolean admin = context.getElement()
                    .map(element -> element.getAnnotation(RealSnowflakeAccount.class))
                    .map(RealSnowflakeAccount::admin).orElse(false);
            if (admin && !SnowflakeAccount.adminTests()) {
                return ConditionEvaluationResult.disabled("changes the warehouse " + SnowflakeAccount.warehouse()
                        + ": set " + SnowflakeAccount.ADMIN_TESTS + "=true to run it");
            }
            return ConditionEvaluationResult.enabled("Snowflake account configured");
        }
    }
}
