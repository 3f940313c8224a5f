package io.lethe.kafka.outbox;

import java.time.Duration;
import java.util.Objects;

/**
 * How the relay works.
 *
 * @param pollInterval how often the relay looks for messages when nobody woke it up: messages committed by another
 *     instance, or left behind by a crash or a failed send, wait at most this long (a failed send backs off from this
 *     interval up to {@link #MAX_FAILURE_DELAY})
 * @param batchSize how many messages one transaction of the relay sends and removes
 * @param sendTimeout how long the relay waits for the broker to acknowledge a batch before it tries again later
 */
public record OutboxRelaySettings(Duration pollInterval, int batchSize, Duration sendTimeout) {

    /** The longest wait after failed sends (the broker or the database being away). */
    public static final Duration MAX_FAILURE_DELAY = Duration.ofSeconds(30);

    public OutboxRelaySettings {
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(sendTimeout, "sendTimeout");
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("outbox poll interval must be positive, not " + pollInterval);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("outbox batch size must be at least 1, not " + batchSize);
        }
        if (sendTimeout.isNegative() || sendTimeout.isZero()) {
            throw new IllegalArgumentException("outbox send timeout must be positive, not " + sendTimeout);
        }
    }
}
