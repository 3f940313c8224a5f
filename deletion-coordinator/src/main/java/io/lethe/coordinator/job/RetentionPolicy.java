package io.lethe.coordinator.job;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * How long soft-deleted data stays restorable before the hard delete.
 *
 * @param defaultRetention the retention of a request that asks for none
 * @param minRetention the shortest a request may ask for
 * @param maxRetention the longest a request may ask for
 */
public record RetentionPolicy(Duration defaultRetention, Duration minRetention, Duration maxRetention) {

    public RetentionPolicy {
        Objects.requireNonNull(defaultRetention, "defaultRetention");
        Objects.requireNonNull(minRetention, "minRetention");
        Objects.requireNonNull(maxRetention, "maxRetention");
        if (minRetention.isNegative() || minRetention.compareTo(maxRetention) > 0) {
            throw new IllegalArgumentException("lethe.coordinator.retention: min (%s) must be between 0 and max (%s)"
                    .formatted(minRetention, maxRetention));
        }
        if (defaultRetention.compareTo(minRetention) < 0 || defaultRetention.compareTo(maxRetention) > 0) {
            throw new IllegalArgumentException(
                    "lethe.coordinator.retention: the default (%s) must be between min (%s) and max (%s)"
                            .formatted(defaultRetention, minRetention, maxRetention));
        }
    }

    /**
     * The retention a request asked for, or the default; in whole milliseconds.
     *
     * @throws InvalidDeletionRequestException naming {@code retention} if it is out of bounds
     */
    public Duration resolve(Duration requested) {
        if (requested == null) {
            return defaultRetention.truncatedTo(ChronoUnit.MILLIS);
        }
        if (requested.compareTo(minRetention) < 0 || requested.compareTo(maxRetention) > 0) {
            throw new InvalidDeletionRequestException(
                    "retention",
                    "must be between %s and %s, not %s; to skip the retention window ask for immediate (two"
                                    .formatted(minRetention, maxRetention, requested)
                            + " approvers)");
        }
        return requested.truncatedTo(ChronoUnit.MILLIS);
    }
}
