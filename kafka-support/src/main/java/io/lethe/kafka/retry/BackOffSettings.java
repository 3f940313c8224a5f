package io.lethe.kafka.retry;

import java.time.Duration;
import java.util.Objects;
import org.springframework.kafka.support.ExponentialBackOffWithMaxRetries;

/**
 * Exponential back-off of a transient failure.
 *
 * @param attempts how many times a record is tried in all before it goes to its dead-letter topic (at least 1)
 * @param initialInterval the wait after the first failure
 * @param multiplier how much each wait grows (at least 1.0)
 * @param maxInterval the longest wait
 */
public record BackOffSettings(int attempts, Duration initialInterval, double multiplier, Duration maxInterval) {

    public BackOffSettings {
        Objects.requireNonNull(initialInterval, "initialInterval");
        Objects.requireNonNull(maxInterval, "maxInterval");
        if (attempts < 1) {
            throw new IllegalArgumentException("retry attempts must be at least 1, not " + attempts);
        }
        if (multiplier < 1.0) {
            throw new IllegalArgumentException("retry multiplier must be at least 1.0, not " + multiplier);
        }
        if (initialInterval.isNegative() || maxInterval.compareTo(initialInterval) < 0) {
            throw new IllegalArgumentException("retry intervals must satisfy 0 <= initial-interval (" + initialInterval
                    + ") <= max-interval (" + maxInterval + ")");
        }
    }

    /** {@return a fresh back-off (spring-kafka keeps state per failed record in its execution, not in it)} */
    ExponentialBackOffWithMaxRetries backOff() {
        var backOff = new ExponentialBackOffWithMaxRetries(attempts - 1);
        backOff.setInitialInterval(initialInterval.toMillis());
        backOff.setMultiplier(multiplier);
        backOff.setMaxInterval(maxInterval.toMillis());
        return backOff;
    }
}
