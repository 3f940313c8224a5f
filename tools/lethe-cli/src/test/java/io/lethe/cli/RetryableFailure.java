package io.lethe.cli;

import io.lethe.kafka.retry.TransientFailure;

/**
 * What a participant's listener throws when a deletion failed and may pass, as its {@code RetryableDeletionException}
 * does: a runtime exception marked {@link TransientFailure}, so that the error handler retries it before it gives up.
 */
final class RetryableFailure extends RuntimeException implements TransientFailure {

    private static final long serialVersionUID = 1L;

    RetryableFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
