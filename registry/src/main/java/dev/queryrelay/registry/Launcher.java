package dev.queryrelay.registry;

import dev.queryrelay.api.ErrorInfo;
import dev.queryrelay.api.ErrorType;
import dev.queryrelay.api.QueryStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets a query just accepted or taken over on its way: a remembered cancel ends it, a deadline
 * already past times it out, otherwise it is started ({@code PENDING}) or followed ({@code RUNNING}).
 * A query ended before it was started here that another process may have started has that
 * execution looked up and canceled.
 */
final class Launcher {

    private static final Logger log = LoggerFactory.getLogger(Launcher.class);

    private final EarlyCancels earlyCancels;
    private final Timeouts timeouts;
    private final Stopper stopper;
    private final Starter starter;
    private final Poller poller;

    Launcher(EarlyCancels earlyCancels, Timeouts timeouts, Stopper stopper, Starter starter, Poller poller) {
        this.earlyCancels = earlyCancels;
        this.timeouts = timeouts;
        this.stopper = stopper;
        this.starter = starter;
        this.poller = poller;
    }

    /**
     * Starts or follows the query; false when a remembered cancel or its past deadline ended it at
     * once, or when launching it failed unexpectedly: the query then ends {@code FAILED} ({@code INTERNAL};
     * a taken-over execution is canceled) instead of staying {@code PENDING}, and the caller goes on.
     */
    boolean launch(QueryLifecycle query, boolean takenOver) {
        try {
            return drive(query, takenOver);
        } catch (RuntimeException e) {
            log.error("query {} could not be launched; it fails", query.id(), e);
            query.fail(ErrorInfo.of(ErrorType.INTERNAL, "the engine could not launch the query: " + e));
            if (query.providerQueryId() != null) {
                stopper.cancelInWarehouse(query, query.providerQueryId());
            }
            return false;
        }
    }

    private boolean drive(QueryLifecycle query, boolean takenOver) {
        Phase phase = query.phase();
        EarlyCancels.EarlyCancel early = earlyCancels.take(query.id());
        if (early != null) {
            stopper.stop(query, QueryStatus.CANCELED, Errors.canceled(early.reason()));
            cancelLeftover(query, phase, takenOver);
            return false;
        }
        if (!timeouts.arm(query)) {
            cancelLeftover(query, phase, takenOver);
            return false;
        }
        if (phase == Phase.PENDING) {
            starter.start(query, takenOver);
        } else if (phase == Phase.RUNNING) {
            poller.follow(query);
        }
        return true;
    }

    private void cancelLeftover(QueryLifecycle query, Phase phase, boolean mayHaveStarted) {
        if (phase == Phase.PENDING && mayHaveStarted) {
            starter.cancelLeftover(query);
        }
    }
}
