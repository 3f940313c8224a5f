package io.lethe.participant.kafka;

import io.lethe.kafka.retry.TransientFailure;
import io.lethe.participant.delete.DeletionResult;
import io.lethe.schemas.DeletionPhase;

/**
 * A deletion failed for a reason that may pass (a lost connection, a lock timeout, rows inserted meanwhile): thrown so
 * that the request consumer's back-off tries the request again. Committed chunks stay deleted; the next attempt
 * resumes. When the attempts run out, the request goes to its dead-letter topic and the failure is reported.
 */
public final class RetryableDeletionException extends RuntimeException implements TransientFailure {

    private static final long serialVersionUID = 1L;

    private final transient DeletionResult.Failed failure;
    private final DeletionPhase phase;

    RetryableDeletionException(DeletionResult.Failed failure, DeletionPhase phase) {
        super(failure.message());
        this.failure = failure;
        this.phase = phase;
    }

    /** {@return the phase of the request that failed} */
    public DeletionPhase phase() {
        return phase;
    }

    /** {@return the failed result of the last attempt} */
    public DeletionResult.Failed failure() {
        return failure;
    }
}
